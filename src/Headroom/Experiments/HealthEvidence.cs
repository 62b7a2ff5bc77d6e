using System.Globalization;
using Headroom.Knobs;
using Headroom.Limits;
using static Headroom.Reports.ReportFormat;

namespace Headroom.Experiments;

/// <summary>
/// Every trial at a limit counts, so no section of a report contradicts another: when a round of the matrix's no-knob
/// cell at or above the survival edge failed (OOM-killed, thrashing, ...), the survival edge moves up to the least limit
/// above it where every trial survived; when the matrix's no-knob cell at or
/// above the healthy edge fell below the healthy bar (its median over interleaved rounds, more evidence than one edge
/// trial), the healthy edge moves up to the least limit above that cell which every section found healthy, with a note
/// saying why. And a baseline load under <see cref="ShortLoad"/> is said to be short.
/// </summary>
public static class HealthEvidence
{
    /// <summary>A load shorter than this gives a req/s that varies by tens of percent between identical runs.</summary>
    public static readonly TimeSpan ShortLoad = TimeSpan.FromSeconds(2);

    public static (EdgeSearchResult Edge, IReadOnlyList<string> Notes) Reconcile(EdgeSearchResult edge, MatrixResult? matrix, EdgeSearchOptions options)
    {
        if (matrix is null)
        {
            return (edge, []);
        }
        var (survived, survivalNote) = ReconcileSurvival(edge, matrix);
        var (healthy, healthyNote) = ReconcileHealthy(survived, matrix, options);
        return (healthy, new[] { survivalNote, healthyNote }.OfType<string>().ToList());
    }

    /// <summary>
    /// A matrix round at or above the survival edge that failed (OOM-killed, thrashing, ...) is a trial that did not
    /// survive there: the survival edge moves up to the least limit above it where every trial survived.
    /// </summary>
    private static (EdgeSearchResult Edge, string? Note) ReconcileSurvival(EdgeSearchResult edge, MatrixResult matrix)
    {
        if (edge.SurvivalEdge is not { } survival)
        {
            return (edge, null);
        }
        var cells = matrix.Cells.Where(c => c.Knobs.Name == KnobSet.None.Name).ToList();
        var failing = cells.Where(c => c.Limit.Limit >= survival && c.Survived < c.Trials).OrderBy(c => c.Limit.Limit).ToList();
        if (failing.Count == 0)
        {
            return (edge, null);
        }
        var worst = failing[^1].Limit.Limit;
        var above = cells.Where(c => c.Limit.Limit > worst && c.Survived == c.Trials).Select(c => c.Limit.Limit)
            .Concat(edge.Trials.Where(t => t.Limit > worst).GroupBy(t => t.Limit).Where(g => g.All(t => t.Result.Survived)).Select(g => g.Key))
            .Order().ToList();
        if (above.Count == 0)
        {
            // Nothing above it survived every trial: the survival edge stands and a caveat names the failed rounds.
            return (edge, null);
        }
        var largestFailing = edge.LargestFailing is { } f && f > worst ? f : worst;
        var why = string.Join("; ", failing.Select(c => WhyUnhealthy(matrix, c)));
        return (edge with { SurvivalEdge = above[0], LargestFailing = largestFailing }, $"survival edge moved up from {survival} to {above[0]}: {why}");
    }

    private static (EdgeSearchResult Edge, string? Note) ReconcileHealthy(EdgeSearchResult edge, MatrixResult matrix, EdgeSearchOptions options)
    {
        if (edge.HealthyEdge is not { } healthy || edge.Baseline.Load is not { } baseline)
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
        var why = string.Join("; ", failing.Select(c => WhyUnhealthy(matrix, c)));
        var bar = Bar(health);
        if (moved is null)
        {
            var none = $"no healthy edge: the edge search found {healthy}, but {why} ({bar}) and no limit above it was healthy in every section";
            return (edge with { HealthyEdge = null, NoHealthyEdgeMessage = none }, none);
        }
        return (edge with { HealthyEdge = moved }, $"healthy edge moved up from {healthy} to {moved}: {why} ({bar})");
    }

    /// <summary>
    /// Why a matrix cell is not healthy, the failing fact first: its failed rounds by outcome (then the survivors'
    /// medians), else its medians over every round.
    /// </summary>
    public static string WhyUnhealthy(MatrixResult matrix, MatrixCell c)
    {
        var cell = $"the matrix's {(c.Knobs.Name == KnobSet.None.Name ? "no-knob" : c.Knobs.Name)} cell at {c.Limit.Limit}";
        var medians = string.Create(CultureInfo.InvariantCulture, $"a median of {Rps(c.MedianRequestsPerSecond)} req/s, p99 {Ms(c.MedianP99Latency)}");
        return matrix.FailedRounds(c) is { } failed
            ? c.Survived > 0 ? $"{cell} had {failed} (the {c.Survived} that survived: {medians})" : $"{cell} had {failed}"
            : $"{cell} had {medians} over {c.Trials} rounds";
    }

    /// <summary>The healthy bar in words (<c>the healthy bar is 332 req/s, p99 359.9 ms</c>).</summary>
    public static string Bar(HealthCriteria health) =>
        string.Create(CultureInfo.InvariantCulture, $"the healthy bar is {health.MinRequestsPerSecond:#,0} req/s, p99 {health.MaxP99.TotalMilliseconds:#,0.0} ms");

    /// <summary>Every round survived and the medians meet the bar.</summary>
    public static bool IsHealthy(MatrixCell cell, HealthCriteria health) =>
        cell.Survived == cell.Trials && cell.MedianRequestsPerSecond is { } rps && cell.MedianP99Latency is { } p99 && health.IsHealthy(rps, p99);

    /// <summary>The note for a baseline whose load was short (null when it was not).</summary>
    public static string? ShortLoadNote(Trials.TrialResult baseline) =>
        baseline.Load is { } load && load.Duration < ShortLoad
            ? string.Create(CultureInfo.InvariantCulture,
                $"the baseline's load lasted {load.Duration.TotalSeconds:0.00} s (under {ShortLoad.TotalSeconds:0} s): one run's req/s at that length varies by tens of percent, so the healthy edge is checked against the matrix's interleaved rounds too; a longer load (more -n, or -z) gives a steadier bar")
            : null;
}
