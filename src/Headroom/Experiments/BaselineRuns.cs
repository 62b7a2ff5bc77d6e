using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// Folds several unlimited runs into the one baseline the experiments compare against: median req/s, latency and
/// p99 (the machine is noisy, and a single short run can be 30 % off), and the highest memory figures (the edge
/// prediction should see the largest need). A failed run is the baseline as it is: there is nothing to compare with.
/// </summary>
public static class BaselineRuns
{
    /// <summary>
    /// The unlimited runs: one after another, stopping at the first that fails (nothing to compare with then), or with
    /// several slots all at once.
    /// </summary>
    public static async Task<IReadOnlyList<TrialResult>> RunAsync(ITrialExecutor executor, int runs, CancellationToken cancellationToken)
    {
        var request = new TrialRequest(null, Knobs.KnobSet.None) { Purpose = "baseline (unlimited)" };
        if (TrialSlots.Of(executor) > 1)
        {
            return await TrialBatch.RunAsync(executor, Enumerable.Repeat(request, runs).ToList(), null, cancellationToken);
        }
        var results = new List<TrialResult>();
        for (var i = 0; i < runs; i++)
        {
            var run = await executor.RunAsync(request, null, cancellationToken);
            results.Add(run);
            if (!run.Survived)
            {
                break;
            }
        }
        return results;
    }

    public static TrialResult Combine(IReadOnlyList<TrialResult> runs)
    {
        if (runs.Count == 0)
        {
            throw new ArgumentException("a baseline needs at least one run", nameof(runs));
        }
        if (runs.FirstOrDefault(r => !r.Survived || r.Load is null) is { } failed)
        {
            return failed;
        }
        if (runs.Count == 1)
        {
            return runs[0];
        }
        var median = runs.OrderBy(r => r.Load!.RequestsPerSecond).ElementAt(runs.Count / 2);
        var load = median.Load! with
        {
            RequestsPerSecond = Medians.Median(runs.Select(r => r.Load!.RequestsPerSecond)),
            AverageLatency = Medians.MedianOrNull(runs.Select(r => r.Load!.AverageLatency))!.Value,
            P99Latency = Medians.MedianOrNull(runs.Select(r => r.Load!.P99Latency))!.Value,
        };
        var memory = median.Memory with
        {
            PeakChargedBytes = Max(runs, m => m.PeakChargedBytes),
            PeakAnonBytes = Max(runs, m => m.PeakAnonBytes),
            PeakFileBytes = Max(runs, m => m.PeakFileBytes),
            PeakWorkingSetBytes = Max(runs, m => m.PeakWorkingSetBytes),
            RuntimeSysBytes = Max(runs, m => m.RuntimeSysBytes),
        };
        return median with
        {
            Load = load,
            Memory = memory,
            Evidence = $"{median.Evidence}; median of {runs.Count} unlimited runs ({string.Join(", ", runs.Select(r => r.Load!.RequestsPerSecond.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} req/s)",
        };
    }

    private static long? Max(IReadOnlyList<TrialResult> runs, Func<TrialMemorySummary, long?> figure) =>
        runs.Select(r => figure(r.Memory)).Where(v => v is not null).DefaultIfEmpty(null).Max();
}
