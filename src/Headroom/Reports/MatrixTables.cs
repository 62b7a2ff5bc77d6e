using System.Text;
using Headroom.Experiments;
using static Headroom.Reports.ReportFormat;

namespace Headroom.Reports;

/// <summary>The matrix as Markdown: the Listing-10-style cells, then knob/none per limit with its interval.</summary>
internal static class MatrixTables
{
    public static void Render(StringBuilder md, MatrixResult matrix)
    {
        void Line(string text) => MarkdownReport.Line(md, text);
        Line($"## Matrix ({matrix.Repeats} interleaved rounds)");
        Line("");
        Line("| limit | knobs | median req/s | spread | average | p99 | GCs | OOM / failed | requests ok |");
        Line("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var c in matrix.Cells)
        {
            var spread = c.MinRequestsPerSecond is { } min && c.MaxRequestsPerSecond is { } max ? $"{Rps(min)}-{Rps(max)}" : "-";
            Line($"| {c.Limit.Limit} ({c.Limit.Label}) | {c.Knobs.Name} | {Rps(c.MedianRequestsPerSecond)} | {spread} | {Ms(c.MedianAverageLatency)} | {Ms(c.MedianP99Latency)} | {Count(c.MedianGcCount)} | {c.OomKills} / {c.OtherFailures} of {c.Trials} | {Requests(c.Succeeded, c.Requests)} |");
        }
        Line("");
        if (matrix.Ratios.Count == 0)
        {
            return;
        }
        Line("| limit | ratio | req/s ratio | 95 % CI | rounds | verdict |");
        Line("| ---: | --- | ---: | ---: | ---: | --- |");
        foreach (var r in matrix.Ratios)
        {
            var (estimate, interval, verdict) = r.Interval is { } i
                ? (Ratio(i.Estimate), $"{Ratio(i.Low)}-{Ratio(i.High)}", i.WithinNoise ? "within noise" : i.Low > 1 ? "faster" : "slower")
                : ("-", "-", "too few paired rounds");
            Line($"| {r.Limit.Limit} ({r.Limit.Label}) | {r.Knobs.Name}/{r.Versus.Name} | {estimate} | {interval} | {r.PairedRounds} | {verdict} |");
        }
        Line("");
    }
}
