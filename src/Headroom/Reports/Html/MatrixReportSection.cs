using System.Globalization;
using Headroom.Experiments;
using Headroom.Reports.Charts;

namespace Headroom.Reports.Html;

/// <summary>The Listing-10 blocks: the cell table, the knob/none ratios with their intervals, req/s and p99 against
/// the limit per knob set, and the kernel's peak against the runtime's own figures per cell.</summary>
internal static class MatrixReportSection
{
    private static readonly HashSet<int> CellNumeric = [2, 3, 4, 5, 6, 7, 8, 9, 10];
    private static readonly HashSet<int> RatioNumeric = [2, 3, 4];

    public static IReadOnlyList<ReportBlock> Blocks(MatrixResult matrix, TrialLoadBaseline baseline, EdgeSearchOptions options)
    {
        var context = $"matrix, {matrix.Repeats} round{(matrix.Repeats == 1 ? "" : "s")}";
        var blocks = new List<ReportBlock>
        {
            new ReportParagraph($"{matrix.Limits.Count} limits x {matrix.KnobSets.Count} knob sets x {matrix.Repeats} rounds = {matrix.Trials.Count} trials, "
                + $"run interleaved (every configuration once per round), {ReportFormat.Seconds(matrix.TrialTime)} of trial time. "
                + "Figures are medians over the cell's surviving trials."),
            CellTable(matrix),
        };
        if (matrix.Ratios.Count > 0)
        {
            blocks.Add(RatioTable(matrix));
        }
        var sweep = new LimitSweepInput(context,
            matrix.KnobSets.Select(k => new LimitSweepSeries(k.Describe(), matrix.Cells.Where(c => c.Knobs.Name == k.Name)
                .Select(c => new LimitSweepPoint(c.Limit.Limit, c.MedianRequestsPerSecond, c.MedianP99Latency, c.Trials, c.Trials - c.Survived))
                .ToList())).ToList(),
            baseline.RequestsPerSecond, baseline.P99, options.Healthy, options.P99Factor);
        blocks.Add(new ReportFigure(LimitSweepChart.RenderThroughput(sweep, "matrix-throughput"),
            "Median req/s per limit, one line per knob set; X on the axis: every trial at that limit failed; red ring: some did."));
        blocks.Add(new ReportFigure(LimitSweepChart.RenderP99(sweep, "matrix-p99"),
            "Median p99 latency per limit, one line per knob set."));
        var groups = new List<KernelVsRuntimeGroup> { baseline.Memory };
        groups.AddRange(matrix.Cells.Select(c => Group(matrix, c)));
        blocks.Add(new ReportFigure(KernelVsRuntimeChart.Render(groups, "matrix medians", "kernel-vs-runtime"),
            "What the kernel charged at its peak (the figure the limit is enforced against) beside what the runtime reports of itself. "
            + "The gap is memory the runtime does not count: code, stacks, page cache."));
        return blocks;
    }

    private static ReportTable CellTable(MatrixResult matrix)
    {
        var rows = matrix.Cells.Select(c => (IReadOnlyList<string>)
        [
            $"{c.Limit.Limit.ToKubernetes()} ({c.Limit.Label})",
            c.Knobs.Describe(),
            ReportFormat.Rps(c.MedianRequestsPerSecond),
            c.MinRequestsPerSecond is { } min && c.MaxRequestsPerSecond is { } max
                ? $"{ReportFormat.Rps(min)}–{ReportFormat.Rps(max)}" : "-",
            ReportFormat.Ms(c.MedianAverageLatency),
            ReportFormat.Ms(c.MedianP99Latency),
            ReportFormat.Count(c.MedianGcCount),
            $"{c.Survived}/{c.Trials}",
            c.OomKills.ToString(CultureInfo.InvariantCulture),
            c.OtherFailures.ToString(CultureInfo.InvariantCulture),
            ReportFormat.Requests(c.Succeeded, c.Requests),
        ]).ToList();
        return new ReportTable("Limits x knob sets (as the article's Listing 10)",
            ["limit", "knob set", "req/s", "req/s spread", "avg latency", "p99", "GCs", "survived", "OOMs", "other failures", "requests ok"], rows, CellNumeric);
    }

    private static ReportTable RatioTable(MatrixResult matrix)
    {
        var rows = matrix.Ratios.Select(r => (IReadOnlyList<string>)
        [
            r.Limit.Limit.ToKubernetes(),
            $"{r.Knobs.Name} / {r.Versus.Name}",
            r.Interval is { } i ? ReportFormat.Ratio(i.Estimate) : "-",
            r.Interval is { } ci ? $"{ReportFormat.Ratio(ci.Low)}–{ReportFormat.Ratio(ci.High)}" : "-",
            r.PairedRounds.ToString(CultureInfo.InvariantCulture),
            r.Interval is null ? "too few paired rounds"
                : r.Interval.WithinNoise ? "within noise"
                : r.Interval.Estimate > 1 ? "knob faster" : "knob slower",
        ]).ToList();
        var confidence = matrix.Ratios.Select(r => r.Interval?.Confidence).FirstOrDefault(c => c is not null) ?? MatrixOptions.DefaultConfidence;
        return new ReportTable($"Throughput ratio knob / none per limit, paired by round ({Percentages.Format(confidence)} bootstrap interval)",
            ["limit", "ratio of", "req/s ratio", "interval", "paired rounds", "verdict"], rows, RatioNumeric);
    }

    private static KernelVsRuntimeGroup Group(MatrixResult matrix, MatrixCell cell)
    {
        var memory = matrix.Trials.Where(t => t.Limit.Limit == cell.Limit.Limit && t.Knobs.Name == cell.Knobs.Name).Select(t => t.Result.Memory).ToList();
        long? Median(Func<Trials.TrialMemorySummary, long?> value) =>
            Medians.MedianOrNull(memory.Where(m => value(m) is not null).Select(m => (double)value(m)!.Value)) is { } v ? (long)v : null;
        return new KernelVsRuntimeGroup($"{cell.Limit.Limit.ToKubernetes()} {cell.Knobs.Name}",
            Median(m => m.PeakChargedBytes), Median(m => m.RuntimeSysBytes), Median(m => m.RuntimeHeapSysBytes), Median(m => m.RuntimeHeapAllocBytes));
    }
}

/// <summary>The unlimited baseline as the matrix charts compare against it.</summary>
internal sealed record TrialLoadBaseline(double? RequestsPerSecond, TimeSpan? P99, KernelVsRuntimeGroup Memory);
