using System.Globalization;
using Headroom.Memory;
using Headroom.Trials;

namespace Headroom.Runners.Trial;

/// <summary>
/// Crawling is not survival: a run that completes fewer than <see cref="Fraction"/> of the baseline's requests a second
/// for a whole thrashing window while at the limit with major faults climbing is <see cref="TrialOutcome.Thrashing"/>,
/// even when it crawls from its first second (the thrashing detector compares a window with the run's own best).
/// </summary>
public sealed class CrawlRule(ThrashingSettings thrashing) : ITrialWatcher
{
    public const double Fraction = 0.10;

    /// <summary>Major faults in one window that count as climbing (a tenth of the thrashing detector's).</summary>
    private long MinimumFaults => Math.Max(1, thrashing.MajorFaults / 10);

    public async Task WatchAsync(TrialRun run, CancellationToken cancellationToken)
    {
        if (run.Request.Baseline is not { RequestsPerSecond: > 0 } baseline || run.Request.Limit is not { } limit)
        {
            return;
        }
        await run.Ready.WaitAsync(cancellationToken);
        var window = new Queue<MemorySample>();
        var crawling = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSample(MemorySample sample)
        {
            if (sample.CompletedRequests is null)
            {
                window.Clear();
                return;
            }
            window.Enqueue(sample);
            while (window.Count > 1 && sample.ElapsedMilliseconds - window.Peek().ElapsedMilliseconds > thrashing.Window.TotalMilliseconds)
            {
                window.Dequeue();
            }
            var first = window.Peek();
            var seconds = (sample.ElapsedMilliseconds - first.ElapsedMilliseconds) / 1000.0;
            if (seconds < thrashing.Window.TotalSeconds * 0.9)
            {
                return;
            }
            var rate = (sample.CompletedRequests.Value - (first.CompletedRequests ?? 0)) / seconds;
            var faults = (sample.MajorFaults ?? 0) - (first.MajorFaults ?? 0);
            var charged = Math.Max((sample.AnonBytes ?? 0) + (sample.FileBytes ?? 0), sample.UsageBytes ?? 0);
            if (rate < Fraction * baseline.RequestsPerSecond && faults >= MinimumFaults && charged >= thrashing.NearLimit * limit.Bytes)
            {
                crawling.TrySetResult(string.Create(CultureInfo.InvariantCulture,
                    $"crawling: {rate:N1} req/s for {seconds:0.0} s, {rate / baseline.RequestsPerSecond:P1} of the baseline's {baseline.RequestsPerSecond:N0} req/s, with pgmajfault +{faults:N0} at the limit"));
            }
        }
        run.Sampler.Sampled += OnSample;
        try
        {
            run.Decide(await crawling.Task.WaitAsync(cancellationToken));
        }
        finally
        {
            run.Sampler.Sampled -= OnSample;
        }
    }
}
