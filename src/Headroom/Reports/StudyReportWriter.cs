using Headroom.Experiments;
using Headroom.Reports.Html;

namespace Headroom.Reports;

/// <summary>Writes a study's reports into its folder: <c>summary.json</c>, <c>report.md</c> and <c>report.html</c>.</summary>
public static class StudyReportWriter
{
    public static async Task WriteAsync(StudyFolder folder, StudyReport report, CancellationToken cancellationToken)
    {
        folder.WriteJson(SummaryJson.FileName, SummaryJson.From(report));
        folder.WriteText(MarkdownReport.FileName, MarkdownReport.Render(report));
        await HtmlReportWriter.WriteAsync(folder, report, cancellationToken);
    }
}
