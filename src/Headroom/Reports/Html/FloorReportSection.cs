using Headroom.Experiments;

namespace Headroom.Reports.Html;

/// <summary>The Listing-11 blocks: the lowest limit at which the knob keeps the service alive, what surviving there
/// costs against the no-knob edge, and the floor search itself.</summary>
internal static class FloorReportSection
{
    private static readonly HashSet<int> Numeric = [1, 2, 3, 4];

    public static IReadOnlyList<ReportBlock> Blocks(FloorResult floor, StudySamples samples, EdgeSearchOptions options)
    {
        var blocks = new List<ReportBlock>();
        IReadOnlyList<string> Row(string what, FloorPoint? point) =>
        [
            what,
            ReportFormat.Limit(point?.Limit),
            ReportFormat.Rps(point?.RequestsPerSecond),
            ReportFormat.Ms(point?.AverageLatency),
            ReportFormat.Ms(point?.P99Latency),
        ];
        blocks.Add(new ReportTable($"The floor with {floor.Knobs.Describe()} against the edge without knobs (as the article's Listing 11)",
            ["", "limit", "req/s", "avg latency", "p99"],
            [Row($"floor with {floor.Knobs.Name}", floor.Floor), Row("survival edge without knobs", floor.NoKnobEdge)], Numeric));
        if (floor.ThroughputRatio is { } ratio)
        {
            blocks.Add(new ReportParagraph($"At its floor the service kept {Percentages.Format(ratio)} of the req/s it had at the edge without knobs: "
                + "that is the cost of surviving on less memory."));
        }
        blocks.AddRange(EdgeReportSection.Blocks(floor.Search, StudyPhases.Floor, $"floor search with {floor.Knobs.Name}", samples, options));
        return blocks;
    }
}
