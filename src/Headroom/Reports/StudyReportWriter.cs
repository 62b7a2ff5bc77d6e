using Headroom.Experiments;

namespace Headroom.Reports;

/// <summary>Writes a study's reports into its folder: <c>summary.json</c> and <c>report.md</c>.</summary>
public static class StudyReportWriter
{
    public static void Write(StudyFolder folder, StudyReport report)
    {
        folder.WriteJson(SummaryJson.FileName, SummaryJson.From(report));
        folder.WriteText(MarkdownReport.FileName, MarkdownReport.Render(report));
    }
}
