using System.Globalization;
using System.Text;

namespace Headroom.Load;

/// <summary>
/// Writes a <see cref="LoadReport"/> in hey's text layout, byte for byte where hey's figures exist, so people who
/// know hey read it at once. Additions: a 99.9 % line, and fastest/slowest per phase as the heading says (hey prints
/// the overall figures there). Errors are grouped by kind.
/// </summary>
public static class HeyReportFormatter
{
    private const int BarWidth = 40;

    /// <summary>The report as hey prints it.</summary>
    public static string Format(LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.Append("\nSummary:\n");
        text.Append(CultureInfo.InvariantCulture, $"  Total:\t{N(report.TotalSeconds)} secs\n");
        text.Append(CultureInfo.InvariantCulture, $"  Slowest:\t{N(report.SlowestSeconds)} secs\n");
        text.Append(CultureInfo.InvariantCulture, $"  Fastest:\t{N(report.FastestSeconds)} secs\n");
        text.Append(CultureInfo.InvariantCulture, $"  Average:\t{N(report.AverageSeconds)} secs\n");
        text.Append(CultureInfo.InvariantCulture, $"  Requests/sec:\t{N(report.RequestsPerSecond)}\n");
        text.Append("  \n");
        if (report.TotalDataBytes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  Total data:\t{report.TotalDataBytes} bytes\n");
            text.Append(CultureInfo.InvariantCulture, $"  Size/request:\t{report.SizePerRequestBytes} bytes\n");
        }
        text.Append("\nResponse time histogram:\n");
        var most = report.Histogram.Count == 0 ? 0 : report.Histogram.Max(b => b.Count);
        foreach (var bucket in report.Histogram)
        {
            // Rounded, as hey does.
            var bar = most == 0 ? 0 : (int)((bucket.Count * BarWidth + most / 2) / most);
            text.Append(CultureInfo.InvariantCulture, $"  {bucket.MarkSeconds:0.000} [{bucket.Count}]\t|{new string('■', bar)}\n");
        }
        text.Append("\n\nLatency distribution:\n");
        if (report.Responses > 0)
        {
            foreach (var p in report.Percentiles)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {p.Percent}% in {N(p.Seconds)} secs\n");
            }
        }
        text.Append("\nDetails (average, fastest, slowest):\n");
        Phase(text, "DNS+dialup", report.Details.DnsDialup);
        Phase(text, "DNS-lookup", report.Details.DnsLookup);
        Phase(text, "req write", report.Details.RequestWrite);
        Phase(text, "resp wait", report.Details.ResponseWait);
        Phase(text, "resp read", report.Details.ResponseRead);
        // hey's template puts each line's newline before it, and two after the block: the blank lines match it.
        text.Append("\nStatus code distribution:");
        foreach (var status in report.StatusCodes)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  [{status.Code}]\t{status.Count} responses");
        }
        text.Append("\n\n");
        if (report.Errors.Count > 0)
        {
            text.Append("Error distribution:");
            foreach (var error in report.Errors)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n  [{error.Count}]\t{error.Kind.ToString().ToLowerInvariant()}: {error.Description}");
            }
        }
        text.Append("\n\n");
        return text.ToString();
    }

    private static void Phase(StringBuilder text, string name, PhaseTiming phase) =>
        text.Append(CultureInfo.InvariantCulture,
            $"  {name}:\t{N(phase.AverageSeconds)} secs, {N(phase.FastestSeconds)} secs, {N(phase.SlowestSeconds)} secs\n");

    /// <summary>Go's %4.4f.</summary>
    private static string N(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
