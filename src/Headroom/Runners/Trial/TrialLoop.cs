using Headroom.Memory;
using Headroom.Runners.Local;
using Headroom.Trials;

namespace Headroom.Runners.Trial;

/// <summary>What one trial runs: the request, the target's URLs, its name in the report, the load and the cold start.</summary>
public sealed record TrialSetup(TrialRequest Request, TargetLaunch Launch, string Target, ITrialLoad? Load, ColdStart? Cold = null);

/// <summary>
/// One trial, the same for every runner: start → ready (or died, decided, timed out) → runtime figures before →
/// load with sampling → figures after → start again after a death, like a kubelet → classify → stop or kill →
/// details. Samples throughout. Only what is about where the target runs is asked of the <see cref="ITrialHost"/>.
/// </summary>
public static class TrialLoop
{
    public static async Task<TrialResult> RunAsync(
        ITrialHost host, TrialSetup setup, TrialOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var (request, launch) = (setup.Request, setup.Launch);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var detector = new ThrashingDetector(request.Limit?.Bytes, options.Thrashing);
        await using var stats = launch.StatsUrl is { } statsUrl ? new HttpStatsSource(http, statsUrl, options.SampleInterval) : host.RuntimeFiguresWithoutStats(options.SampleInterval);
        await using var sampler = new MemorySampler(null, () => host.Pid, () => stats?.Latest, () => host.Counters?.Latest, options.SampleInterval)
        {
            ReadingWithoutCgroup = host.ReadMemory,
            WorkingSet = host.WorkingSet,
        };
        sampler.Sampled += detector.Observe;
        sampler.Start();
        stats?.Start(cancellationToken);
        var restarts = 0;
        TerminationState? lastState = null;
        LoadWindow? window = null;
        TimeSpan? readyAfter = null;
        // The rules every run of every runner gets, then the options' own.
        ITrialWatcher[] watchers = [new LivenessProbe(options.Liveness), new StartStallRule(options.Thrashing), new CrawlRule(options.Thrashing), .. options.Watchers];
        while (true)
        {
            var exited = await host.StartAsync(cancellationToken);
            var starting = System.Diagnostics.Stopwatch.StartNew();
            sampler.Phase = "start";
            var readied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var run = new TrialRun(request, launch, exited, sampler, http, detector, () => host.StopAsync(kill: true, CancellationToken.None), progress,
                readied.Task, host.StartsAgain && restarts < request.Restarts);
            RunSeen seen;
            string? pressure;
            await using (var watching = Watch(watchers, run, cancellationToken))
            {
                var ready = await ReadinessProbe.WaitAsync(http, launch.ReadyUrl, exited,
                    () => detector.Evidence is not null, options.ReadyTimeout, cancellationToken);
                seen = new RunSeen(ready == ReadinessProbe.Result.Ready, ready == ReadinessProbe.Result.TimedOut, null, []);
                readyAfter = seen.BecameReady ? starting.Elapsed : null;
                if (seen.BecameReady)
                {
                    readied.TrySetResult();
                }
                pressure = seen.ReadyTimedOut ? StartPressure.Describe(sampler.Samples, request.Limit, options.Thrashing.NearLimit) : null;
                if (seen.ReadyTimedOut && detector.Evidence is null && !host.KernelKilled && pressure is null && host.NeverReadyAdvice is { } advice)
                {
                    throw new UserInputException(
                        $"{launch.ReadyUrl} never answered within {options.ReadyTimeout.TotalSeconds:0.#} s though {advice}");
                }
                if (seen.BecameReady)
                {
                    progress?.Report($"ready ({host.ReadyNote})");
                    var measured = await LoadWindow.MeasureAsync(sampler, stats, host.Counters, exited, detector,
                        () => TrialLoadStep.RunAsync(setup.Load, launch, exited, detector, sampler, options.Hold, TrialBounds.Load(request, options.LoadTimeout), progress, cancellationToken),
                        cancellationToken);
                    // After a restart whose load ended before it began, the earlier run's report stands.
                    window = measured with { Load = measured.Load ?? window?.Load };
                }
            }
            var ending = await host.EndRunAsync(seen with { Decided = detector.Evidence, Samples = sampler.Samples }, cancellationToken);
            if (ending.Outcome == TrialOutcome.Thrashing && detector.DecidedAs is { } decided)
            {
                // A watcher's rule decided the run (unresponsive, a start that stalled at the limit): its word, not thrashing.
                ending = ending with { Outcome = decided };
            }
            var evidence = ending.Outcome == TrialOutcome.StartFailed && pressure is not null
                ? StartPressure.AddTo(ending.Evidence, pressure, options.ReadyTimeout)
                : ending.Evidence;
            var ended = ending.Exit is { } exit ? Termination(ending, exit, evidence) : null;
            if (ended is not null && host.StartsAgain && restarts < request.Restarts)
            {
                lastState = ended;
                restarts++;
                progress?.Report($"{ending.Outcome.ToKebab()} ({evidence}); restart {restarts} of {request.Restarts}");
                // The next run is judged on its own: a window across a death and a start would add both runs' faults.
                detector.Reset();
                continue;
            }
            sampler.Phase = "stop";
            if (ending.Exit is null)
            {
                // Decided: a graceful stop would only wait out the grace period (measured: 5 of a 15-s trial).
                await host.StopAsync(kill: detector.Evidence is not null, cancellationToken);
            }
            sampler.Take();
            var samples = sampler.Samples;
            var details = new TrialDetails
            {
                Runner = host.Describe(),
                Cpus = host.Cpus,
                Target = setup.Target,
                ColdStart = setup.Cold?.Cold ?? false,
                ReadyAfter = readyAfter,
                Eviction = setup.Cold?.Describe() ?? "",
                KnobEnvironment = request.Knobs.Render(request.Limit),
                Terminated = ending.RunningAgain ? null : ended,
                LastState = ending.RunningAgain ? ended : lastState,
                OutputTail = ending.Output,
                Samples = samples,
                MemorySources = ending.MemorySources,
                Events = ending.Events,
            };
            return new TrialResult(request, ending.Outcome, evidence, window?.Load?.Summary,
                TrialFigures.Summarize(samples, window?.Runtime, window?.Counters), restarts + ending.Restarts, TimeSpan.Zero)
            {
                Details = window?.Into(details) ?? details,
            };
        }
    }

    /// <summary>How a run ended, with the reason <c>kubectl describe</c> would show.</summary>
    private static TerminationState Termination(RunEnding ending, ExitStatus exit, string evidence) => new(
        ending.Reason ?? ending.Outcome switch
        {
            TrialOutcome.OomKilled => "OOMKilled",
            TrialOutcome.Survived => "Completed",
            _ => "Error",
        },
        exit.ExitCode, exit.At, evidence);

    /// <summary>Starts every watcher on this run; disposing cancels them and waits for them to end.</summary>
    private static Watching Watch(IReadOnlyList<ITrialWatcher> watchers, TrialRun run, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        return new Watching(stop, [.. watchers.Select(w => w.WatchAsync(run, stop.Token))]);
    }

    private sealed class Watching(CancellationTokenSource stop, Task[] watchers) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            try
            {
                await Task.WhenAll(watchers);
            }
            catch (OperationCanceledException)
            {
                // A watcher ends by its token.
            }
            finally
            {
                stop.Dispose();
            }
        }
    }
}
