using Headroom.Cgroups;
using Headroom.Memory;
using Headroom.Trials;

namespace Headroom.Runners.Local;

/// <summary>
/// One trial in a cgroup that is already made and limited: start → ready → runtime figures before → load →
/// figures after → (restart after a death, like a kubelet) → classify → stop. Samples throughout.
/// </summary>
internal sealed class LocalTrialRun(
    TrialRequest request,
    TargetLaunch launch,
    LimitPlacement placement,
    MemoryCgroup? cgroup,
    CpuCgroup? cpu,
    ITrialLoad? load,
    LocalRunnerOptions options,
    IProgress<string>? progress) : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private TargetProcess? _process;
    private DotnetCountersSource? _counters;
    private IRuntimeFiguresSource? _stats;

    public async Task<TrialResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        var knobs = request.Knobs.Render(request.Limit);
        var detector = new ThrashingDetector(request.Limit?.Bytes, options.Thrashing);
        await using var sampler = new MemorySampler(cgroup, () => _process?.Pid, () => _stats?.Latest, () => _counters?.Latest, options.SampleInterval);
        sampler.Sampled += detector.Observe;
        if (launch.StatsUrl is { } statsUrl)
        {
            _stats = new HttpStatsSource(_http, statsUrl, options.SampleInterval);
        }
        else if (cgroup is not null)
        {
            _stats = new HsPerfDataSource(cgroup.ReadPids, options.SampleInterval);
        }
        sampler.Start();
        _stats?.Start(cancellationToken);
        var restarts = 0;
        TerminationState? lastState = null;
        LoadWindow? window = null;
        try
        {
            while (true)
            {
                var oomBefore = ReadKernel()?.OomKills;
                await StartAsync(knobs, sampler, cancellationToken);
                sampler.Phase = "start";
                var ready = await ReadinessProbe.WaitAsync(_http, launch.ReadyUrl, _process!.Exited,
                    () => detector.Evidence is not null, options.ReadyTimeout, cancellationToken);
                var pressure = ready == ReadinessProbe.Result.TimedOut
                    ? StartPressure.Describe(sampler.Samples, request.Limit, options.Thrashing.NearLimit)
                    : null;
                if (ready == ReadinessProbe.Result.TimedOut && detector.Evidence is null && ReadKernel()?.OomKills == oomBefore && pressure is null)
                {
                    throw new UserInputException(
                        $"{launch.ReadyUrl} never answered within {options.ReadyTimeout.TotalSeconds:0.#} s though the target is running and not short of memory; check --ready (path and port)");
                }
                if (ready == ReadinessProbe.Result.Ready)
                {
                    progress?.Report($"ready (pid {_process.Pid})");
                    var measured = await LoadWindow.MeasureAsync(sampler, _stats, _counters, _process.Exited, detector,
                        () => TrialLoadStep.RunAsync(load, launch, _process.Exited, detector, sampler, options.Hold, options.LoadTimeout, progress, cancellationToken),
                        cancellationToken);
                    // After a restart whose load ended before it began, the earlier run's report stands.
                    window = measured with { Load = measured.Load ?? window?.Load };
                }
                if (!_process.HasExited && ReadKernel()?.OomKills > oomBefore)
                {
                    // The kernel's kill is counted before the process is reaped and its pipes closed.
                    await Task.WhenAny(_process.Exited, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken));
                }
                var exit = _process.HasExited ? await _process.Exited : null;
                var (outcome, evidence) = OutcomeClassifier.Classify(new TrialObservation(
                    exit, ready == ReadinessProbe.Result.Ready, oomBefore, ReadKernel()?.OomKills,
                    [.. _process.StderrLines(400), .. _process.StdoutLines(5)], detector.Evidence));
                if (outcome == TrialOutcome.StartFailed && pressure is not null)
                {
                    evidence = StartPressure.AddTo(evidence, pressure, options.ReadyTimeout);
                }
                if (exit is not null && restarts < request.Restarts)
                {
                    lastState = TrialFigures.Termination(outcome, exit, evidence);
                    restarts++;
                    progress?.Report($"{outcome.ToKebab()} ({evidence}); restart {restarts} of {request.Restarts}");
                    // The next run is judged on its own: a window across a death and a start would add both runs' faults.
                    detector.Reset();
                    await DisposeProcessAsync();
                    continue;
                }
                sampler.Phase = "stop";
                var tail = _process.StderrLines(20);
                var terminated = exit is null ? null : TrialFigures.Termination(outcome, exit, evidence);
                if (detector.Evidence is not null)
                {
                    // Decided: a graceful stop would only wait out the grace period (measured: 5 of a 15-s trial).
                    await _process.KillAsync();
                }
                else
                {
                    await _process.StopAsync(cancellationToken);
                }
                sampler.Take();
                var samples = sampler.Samples;
                var details = new TrialDetails
                {
                    Runner = LimitPlacement.Describe(sampler.Cgroup, cpu, options.Cpus),
                    Cpus = options.Cpus,
                    KnobEnvironment = knobs,
                    Terminated = terminated,
                    LastState = lastState,
                    OutputTail = tail,
                    Samples = samples,
                };
                return new TrialResult(request, outcome, evidence, window?.Load?.Summary, TrialFigures.Summarize(samples, window?.Runtime, window?.Counters),
                    restarts, TimeSpan.Zero)
                {
                    Details = window?.Into(details) ?? details,
                };
            }
        }
        finally
        {
            await DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeProcessAsync();
        if (_stats is not null)
        {
            await _stats.DisposeAsync();
            _stats = null;
        }
        _http.Dispose();
    }

    private async Task StartAsync(IReadOnlyDictionary<string, string> knobs, MemorySampler sampler, CancellationToken cancellationToken)
    {
        var command = cgroup is null ? placement.WrapForSystemd(launch.Command, request.Limit?.Bytes, options.Cpus) : launch.Command;
        _process = TargetProcess.Start(launch with { Command = command }, cgroup, knobs, options.StopGrace, cpu);
        if (cgroup is null)
        {
            await Task.Delay(200, cancellationToken);
            sampler.Cgroup = LimitPlacement.ScopeOf(_process.Pid);
        }
        if (options.DotnetCounters && LooksLikeDotnet(launch.Command))
        {
            _counters = new DotnetCountersSource(_process.Pid, options.SampleInterval);
            _counters.Start(cancellationToken);
        }
    }

    private static bool LooksLikeDotnet(IReadOnlyList<string> command) =>
        Path.GetFileName(command[0]) == "dotnet" ||
        (TargetFiles.ResolveExecutable(command[0]) is { } path && File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")));

    private async Task DisposeProcessAsync()
    {
        if (_counters is not null)
        {
            await _counters.DisposeAsync();
            _counters = null;
        }
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private CgroupMemoryReading? ReadKernel()
    {
        try
        {
            return cgroup?.Read();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
