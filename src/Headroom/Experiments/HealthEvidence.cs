using System.Globalization;
using Headroom.Knobs;
using Headroom.Limits;
using static Headroom.Reports.ReportFormat;

namespace Headroom.Experiments;

/// <summary>
/// Every trial at a limit counts, so no section of a report contradicts another: when the matrix's no-knob cell at or
/// above the healthy edge fell below the healthy bar (its median over interleaved rounds, more evidence than one edge
/// trial), the healthy edge moves up to the least limit above that cell which every section found healthy, with a note
/// saying why. And a baseline load under <see cref="ShortLoad"/> is said to be short.
/// </summary>
public static class HealthEvidence
{
    /// <summary>A load shorter than this gives a req/s that varies by tens of percent between identical runs.</summary>
    public static readonly TimeSpan ShortLoad = TimeSpan.FromSeconds(2);

    public static (EdgeSearchResult Edge, string? Note) Reconcile(EdgeSearchResult edge, MatrixResult? matrix, EdgeSearchOptions options)
    {
        if (edge.HealthyEdge is not { } healthy || matrix is null || edge.Baseline.Load is not { } baseline)
        {
            return (edge, null);
        }
        var health = new HealthCriteria(baseline, options.Healthy, options.P99Factor);
        var cells = matrix.Cells.Where(c => c.Knobs.Name == KnobSet.None.Name).ToList();
        var failing = cells.Where(c => c.Limit.Limit >= healthy && !IsHealthy(c, health)).OrderBy(c => c.Limit.Limit).ToList();
        if (failing.Count == 0)
        {
            return (edge, null);
        }
        var worst = failing[^1];
        var above = cells.Where(c => c.Limit.Limit > worst.Limit.Limit && IsHealthy(c, health)).Select(c => c.Limit.Limit)
            .Concat(edge.Trials.Where(t => t.Limit > worst.Limit.Limit).GroupBy(t => t.Limit).Where(g => g.All(t => t.Healthy)).Select(g => g.Key))
            .Order().ToList();
        MemoryQuantity? moved = above.Count > 0 ? above[0] : null;
        var why = string.Join("; ", failing.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"the matrix's no-knob cell at {c.Limit.Limit} had a median of {Rps(c.MedianRequestsPerSecond)} req/s, p99 {Ms(c.MedianP99Latency)} over {c.Trials} rounds ({c.Survived} survived)")));
        var bar = string.Create(CultureInfo.InvariantCulture, $"the healthy bar is {health.MinRequestsPerSecond:#,0} req/s, p99 {health.MaxP99.TotalMilliseconds:#,0.0} ms");
        if (moved is null)
        {
            var none = $"no healthy edge: the edge search found {healthy}, but {why} ({bar}) and no limit above it was healthy in every section";
            return (edge with { HealthyEdge = null, NoHealthyEdgeMessage = none }, none);
        }
        return (edge with { HealthyEdge = moved }, $"healthy edge moved up from {healthy} to {moved}: {why} ({bar})");
    }

    /// <summary>The note for a baseline whose load was short (null when it was not).</summary>
    public static string? ShortLoadNote(Trials.TrialResult baseline) =>
        baseline.Load is { } load && load.Duration < ShortLoad
            ? string.Create(CultureInfo.InvariantCulture,
                $"the baseline's load lasted {load.Duration.TotalSeconds:0.00} s (under {ShortLoad.TotalSeconds:0} s): one run's req/s at that length varies by tens of percent, so the healthy edge is checked against the matrix's interleaved rounds too; a longer load (more -n, or -z) gives a steadier bar")
            : null;

    private static bool IsHealthy(MatrixCell cell, HealthCriteria health) =>
        cell.Survived == cell.Trials && cell.MedianRequestsPerSecond is { } rps && cell.MedianP99Latency is { } p99 && health.IsHealthy(rps, p99);
}
