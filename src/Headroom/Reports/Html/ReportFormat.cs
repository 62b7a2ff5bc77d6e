using System.Globalization;
using Headroom.Limits;

namespace Headroom.Reports.Html;

/// <summary>How figures read in the report's tables (the same units as report.md: MiB, req/s, ms).</summary>
public static class ReportFormat
{
    public const string Missing = "–";

    public static string Limit(MemoryQuantity? limit) => limit?.ToKubernetes() ?? "unlimited";

    public static string Mebibytes(long? bytes) =>
        bytes is { } b ? (b / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB" : Missing;

    public static string RequestsPerSecond(double? value) =>
        value is { } v ? v.ToString(v < 100 ? "0.0" : "0", CultureInfo.InvariantCulture) : Missing;

    public static string Milliseconds(TimeSpan? value) =>
        value is { } v ? v.TotalMilliseconds.ToString(v.TotalMilliseconds < 100 ? "0.00" : "0", CultureInfo.InvariantCulture) + " ms" : Missing;

    public static string Number(double? value, string format = "0.##") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : Missing;

    public static string Percent(double? value) =>
        value is { } v ? v.ToString("0.#%", CultureInfo.InvariantCulture) : Missing;

    public static string Seconds(TimeSpan value) =>
        value.TotalSeconds.ToString(value.TotalSeconds < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " s";
}
