using System.Globalization;
using Headroom.Limits;

namespace Headroom.Reports;

/// <summary>How numbers read in every report (the terminal tables too): MiB with one decimal, req/s whole, ms.</summary>
public static class ReportFormat
{
    public static string Mi(long? bytes) => bytes is { } b ? new MemoryQuantity(b).ToMebibyteString() : "-";

    public static string Limit(MemoryQuantity? limit) => limit?.ToKubernetes() ?? "unlimited";

    public static string Rps(double? rps) => rps is { } r ? r.ToString("#,0", CultureInfo.InvariantCulture) : "-";

    public static string Ms(TimeSpan? latency) => latency is { } l ? l.TotalMilliseconds.ToString("#,0.0", CultureInfo.InvariantCulture) + " ms" : "-";

    public static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    public static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Count(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "-";

    /// <summary>
    /// How many requests succeeded, and the failures by kind: <c>1,000 of 1,000</c>, <c>880 of 1,000 (120 status 503)</c>.
    /// </summary>
    public static string Requests(Trials.TrialLoadSummary? load) => load is null ? "-"
        : load.Failures.Count == 0 || load.Errors == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{load.Succeeded:N0} of {load.Requests:N0}")
            : string.Create(CultureInfo.InvariantCulture, $"{load.Succeeded:N0} of {load.Requests:N0} ({Load.LoadFailure.Summarize(load.Failures)})");

    /// <summary>Requests that succeeded of those sent: <c>2,970 of 3,000</c>.</summary>
    public static string Requests(long succeeded, long requests) =>
        string.Create(CultureInfo.InvariantCulture, $"{succeeded:N0} of {requests:N0}");

    /// <summary>A Markdown table cell: pipes escaped, one line.</summary>
    public static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}
