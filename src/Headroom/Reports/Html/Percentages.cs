using System.Globalization;

namespace Headroom.Reports.Html;

/// <summary>Shares as the report's prose states them (<c>90%</c>, <c>0.9%</c>); every other figure reads as
/// <see cref="ReportFormat"/> writes it in report.md.</summary>
internal static class Percentages
{
    public static string Format(double? share) =>
        share is { } s ? (s * 100).ToString(s < 0.1 ? "0.#" : "0", CultureInfo.InvariantCulture) + "%" : "-";
}
