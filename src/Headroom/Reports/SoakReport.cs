using System.Globalization;
using Headroom.Reports.Charts;
using Headroom.Reports.Html;
using Headroom.Soak;
using Headroom.Trials;

namespace Headroom.Reports;

/// <summary>A soak as text lines for the terminal and as an HTML document with its chart.</summary>
public static class SoakReport
{
    public static IReadOnlyList<string> Lines(SoakResult soak)
    {
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"soak: {soak.Options.Rate:0.##} req/s for {soak.Options.Duration}, limit {soak.Limit?.ToKubernetes() ?? "none"}, knobs {soak.Trial.Request.Knobs.Describe()}: {soak.Trial.Outcome.ToKebab()}"),
        };
        if (soak.Trial.Load is { } load)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"load: {load.Requests:N0} requests, {load.RequestsPerSecond:N0} req/s, p99 {load.P99Latency.TotalMilliseconds:0.0} ms, {load.Errors:N0} errors"));
        }
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"fitted: {soak.LoadSeconds - soak.WarmupSeconds:0} s of load after a {soak.WarmupSeconds:0} s warm-up, Theil-Sen slope with its 95 % interval"));
        foreach (var trend in Trends(soak))
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {trend.Name,-13} {trend.Describe()}, {trend.Fit.At(soak.LoadSeconds) / 1048576.0:0.0} MiB at the end"));
        }
        lines.Add($"verdict: {soak.Verdict.Text}");
        return lines;
    }

    public static IEnumerable<SoakTrend> Trends(SoakResult soak) =>
        new[] { soak.Charged, soak.Anon, soak.PostGcHeap }.OfType<SoakTrend>();

    public static ReportDocument Document(SoakResult soak, string target)
    {
        var facts = new List<ReportFact>
        {
            new("target", target),
            new("rate", string.Create(CultureInfo.InvariantCulture, $"{soak.Options.Rate:0.##} req/s for {soak.Options.Duration}")),
            new("limit", soak.Limit?.ToKubernetes() ?? "none"),
            new("knobs", soak.Trial.Request.Knobs.Describe()),
            new("outcome", $"{soak.Trial.Outcome.ToKebab()}: {soak.Trial.Evidence}"),
        };
        var rows = Trends(soak).Select(t => (IReadOnlyList<string>)
        [
            t.Name,
            SoakTrend.WithSign(t.MebibytesPerHour),
            $"{SoakTrend.Number(t.LowMebibytesPerHour)}–{SoakTrend.Number(t.HighMebibytesPerHour)}",
            string.Create(CultureInfo.InvariantCulture, $"{t.Fit.At(soak.LoadSeconds) / 1048576.0:0.0}"),
        ]).ToList();
        var blocks = new List<ReportBlock>
        {
            new ReportParagraph($"Verdict: {soak.Verdict.Text}."),
            new ReportTable("Trends (Theil-Sen, after the warm-up)", ["series", "MiB/h", "95 % interval", "MiB at the end"], rows, new HashSet<int> { 1, 2, 3 }),
            new ReportFigure(SoakChart.Render(soak, "soak-memory"), "Memory over the soak with the fitted trends (dashed) and the limit."),
        };
        if (soak.Trial.Details.LoadReport is { } report)
        {
            blocks.Add(new ReportPreformatted("load", report));
        }
        return new ReportDocument("Headroom soak", facts, [new ReportSection("soak", "Soak", blocks)]) { Generated = DateTimeOffset.Now };
    }
}
