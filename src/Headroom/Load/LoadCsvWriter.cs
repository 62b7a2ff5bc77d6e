using System.Globalization;

namespace Headroom.Load;

/// <summary>hey's <c>-o csv</c>: a header and one row per measured request, times in seconds with four decimals.</summary>
public static class LoadCsvWriter
{
    /// <summary>hey's CSV header.</summary>
    public const string Header = "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset";

    /// <summary>Writes the header and every sample (the run must have kept them, see <see cref="LoadOptions.KeepRequestSamples"/>).</summary>
    public static async Task WriteAsync(LoadReport report, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteAsync(Header + "\n");
        foreach (var s in report.Samples ?? [])
        {
            ct.ThrowIfCancellationRequested();
            await output.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $"{s.ResponseTime:0.0000},{s.DnsDialup:0.0000},{s.Dns:0.0000},{s.RequestWrite:0.0000},{s.ResponseDelay:0.0000},{s.ResponseRead:0.0000},{s.StatusCode},{s.Offset:0.0000}\n"));
        }
    }
}
