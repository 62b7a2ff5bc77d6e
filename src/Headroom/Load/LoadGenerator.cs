using System.Diagnostics;
using Headroom.Load.EventLoop;

namespace Headroom.Load;

/// <summary>
/// Runs a load: <see cref="LoadOptions.Concurrency"/> workers on pooled raw sockets with the request serialised once
/// and a minimal HTTP/1.1 parser, so the generator costs as little CPU as possible. Returns hey's report as a value.
/// A target that dies mid-run makes requests fail fast (refused, reset, closed) and counted; a stalled one times out.
/// </summary>
public static class LoadGenerator
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Sends the load described by <paramref name="options"/> and returns its report.</summary>
    /// <exception cref="UserInputException">The options are invalid or the host cannot be resolved.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled; connections are closed first.</exception>
    public static async Task<LoadReport> RunAsync(LoadOptions options, IProgress<LoadProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        LoadOptionsValidation.Validate(options);
        var target = await LoadTarget.ResolveAsync(options.Url, ct);
        var start = Stopwatch.GetTimestamp();
        var schedule = new LoadSchedule(options, start);
        var run = new LoadRun(options, target, schedule);
        var shardCount = Math.Min(options.Concurrency, Environment.ProcessorCount * 4);
        var tallies = Enumerable.Range(0, shardCount)
            .Select(_ => new LoadTally(schedule.HasFixedRate, options.KeepRequestSamples, start)).ToArray();
        var useEventLoop = UsesEventLoop(options, target);
        var workers = useEventLoop
            ? []
            : Enumerable.Range(0, options.Concurrency).Select(i => new LoadWorker(run, tallies[i % shardCount])).ToArray();
        using (ct.Register(() => AbortAll(run, workers)))
        {
            var all = useEventLoop
                ? EventLoopEngine.RunAsync(run, tallies)
                : Task.WhenAll(workers.Select(w => Task.Run(w.RunAsync, CancellationToken.None)));
            try
            {
                await SuperviseAsync(run, workers, tallies, all, progress);
            }
            finally
            {
                await all;
            }
        }
        ct.ThrowIfCancellationRequested();
        Report(progress, run, tallies, start);
        return LoadReportBuilder.Build(run, tallies);
    }

    /// <summary>
    /// Plain http on Linux runs on Headroom's own epoll loops (about half the CPU per request of .NET's socket engine);
    /// https, other systems, or <c>HEADROOM_LOAD_ENGINE=async</c> run on async workers.
    /// </summary>
    internal static bool UsesEventLoop(LoadOptions options, LoadTarget target)
    {
        var engine = options.Engine;
        if (engine == LoadEngine.Auto &&
            Enum.TryParse<LoadEngine>(Environment.GetEnvironmentVariable("HEADROOM_LOAD_ENGINE"), ignoreCase: true, out var chosen))
        {
            engine = chosen;
        }
        return engine != LoadEngine.Async && !target.UseTls && LinuxSockets.IsSupported;
    }

    /// <summary>Enforces per-request timeouts, ends a duration-bound run with no timeout, and reports progress.</summary>
    private static async Task SuperviseAsync(
        LoadRun run, LoadWorker[] workers, LoadTally[] tallies, Task all, IProgress<LoadProgress>? progress)
    {
        var timeout = run.Options.Timeout;
        var timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        // The event loops time out their own requests (no workers here): waking up for progress is enough.
        var period = workers.Length == 0 ? ProgressInterval / 2
            : timeout > TimeSpan.Zero ? TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 20, 5, 50))
            : TimeSpan.FromMilliseconds(50);
        var lastProgress = Stopwatch.GetTimestamp();
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(period, CancellationToken.None));
            var now = Stopwatch.GetTimestamp();
            if (timeoutTicks > 0)
            {
                foreach (var worker in workers)
                {
                    worker.CheckTimeout(now, timeoutTicks);
                }
            }
            else if (now > run.Schedule.Deadline && !run.Aborted)
            {
                // -z with -t 0: nothing would ever end a stalled request, so the end of the duration does.
                AbortAll(run, workers);
            }
            if (Stopwatch.GetElapsedTime(lastProgress, now) >= ProgressInterval)
            {
                lastProgress = now;
                Report(progress, run, tallies, run.Schedule.Start);
            }
        }
    }

    private static void AbortAll(LoadRun run, LoadWorker[] workers)
    {
        run.Abort();
        run.Schedule.Stop();
        foreach (var worker in workers)
        {
            worker.Abort();
        }
    }

    private static void Report(IProgress<LoadProgress>? progress, LoadRun run, LoadTally[] tallies, long start)
    {
        if (progress is null)
        {
            return;
        }
        long ended = 0, errors = 0;
        foreach (var tally in tallies)
        {
            ended += tally.Ended;
            errors += Volatile.Read(ref tally.Errors);
        }
        var options = run.Options;
        progress.Report(new LoadProgress(
            ended, errors, options.Duration is null ? options.Requests : null, Stopwatch.GetElapsedTime(start), options.Duration));
    }
}
