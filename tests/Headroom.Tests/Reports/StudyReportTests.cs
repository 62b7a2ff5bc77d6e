using Headroom.Reports;
using Headroom.Reports.Html;

namespace Headroom.Tests.Reports;

public sealed class StudyReportTests
{
    [Fact]
    public async Task Build_RecordedStudy_HasEveryPhaseWithItsTablesAndCharts()
    {
        var (study, samples) = await RecordedStudy.LoadAsync(TestContext.Current.CancellationToken);
        var edge = study.Edge!;
        var html = HtmlReport.Render(StudyReportBuilder.Build(study, samples, new StudyReportExtras { Machine = "test machine" }));
        var page = HtmlReportTests.ParseXhtml(html);

        Assert.Equal(["summary", "baseline", "edge", "matrix", "floor", "recommendation"], page.Descendants("section").Select(s => (string?)s.Attribute("id")));
        var tables = page.Descendants("table").ToDictionary(t => t.Element("caption")!.Value);
        Assert.Equal(edge.Trials.Count, tables["Trials of the edge search"].Element("tbody")!.Elements("tr").Count());
        Assert.Equal(study.Matrix!.Cells.Count, tables["Limits x knob sets (as the article's Listing 10)"].Element("tbody")!.Elements("tr").Count());
        var summary = page.Descendants("section").First().Value;
        Assert.Contains($"Survival edge {edge.SurvivalEdge!.Value.ToKubernetes()}", summary, StringComparison.Ordinal);

        var titles = page.Descendants().Where(e => e.Name.LocalName == "title" && e.Parent?.Name.LocalName == "svg").Select(t => t.Value).ToList();
        Assert.Contains("Edge search path (edge search)", titles);
        Assert.Contains(titles, t => t.StartsWith("Throughput against limit (matrix", StringComparison.Ordinal));
        Assert.Contains(titles, t => t.StartsWith("p99 latency against limit (matrix", StringComparison.Ordinal));
        Assert.Contains(titles, t => t.StartsWith("Kernel peak vs runtime figures", StringComparison.Ordinal));
        Assert.Contains("Memory over time: baseline, no limit", titles);
        Assert.Contains(titles, t => t.Contains("(survival edge)", StringComparison.Ordinal));
        Assert.All(page.Descendants("figure"), f => Assert.False(string.IsNullOrWhiteSpace(f.Element("figcaption")?.Value)));
        var baselineChart = page.Descendants().First(e => e.Name.LocalName == "svg" && e.Attribute("id")?.Value == "memory-baseline-0");
        Assert.Contains("kernel usage (charged)", baselineChart.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_WithRecommendation_ShowsProseAndYaml()
    {
        var (study, samples) = await RecordedStudy.LoadAsync(TestContext.Current.CancellationToken);
        var yaml = "resources:\n  limits:\n    memory: 17Mi\n";
        var page = HtmlReportTests.ParseXhtml(HtmlReport.Render(StudyReportBuilder.Build(study, samples,
            new StudyReportExtras { Recommendation = new ReportRecommendation(["Set the limit to 17Mi."], ["GOGC=off ran slower."], yaml) })));

        var section = page.Descendants("section").Single(s => (string?)s.Attribute("id") == "recommendation");
        Assert.Equal(yaml, section.Element("pre")!.Value);
        Assert.Contains("Set the limit to 17Mi.", section.Value, StringComparison.Ordinal);
        Assert.Contains("Caveat: GOGC=off ran slower.", section.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StudyReportWriter_WritesReportHtmlBesideReportMdWithTheSameRecommendation()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var work = Directory.CreateTempSubdirectory("headroom-study-report-").FullName;
        try
        {
            var folder = StudyFolder.OpenExisting(RecordedStudy.CopyTo(Path.Combine(work, "study")));
            var study = await new Study(null, folder).RunAsync(folder.ReadPlan(), null, cancellationToken);
            var report = StudyReport.From(study, new RecommendOptions());
            await StudyReportWriter.WriteAsync(folder, report, cancellationToken);

            var path = Path.Combine(folder.Path, HtmlReportWriter.FileName);

            Assert.Equal(Path.Combine(folder.Path, MarkdownReport.FileName), Path.Combine(Path.GetDirectoryName(path)!, MarkdownReport.FileName));
            Assert.True(File.Exists(Path.Combine(folder.Path, MarkdownReport.FileName)));
            var page = HtmlReportTests.ParseXhtml(await File.ReadAllTextAsync(path, cancellationToken));
            var section = page.Descendants("section").Single(s => (string?)s.Attribute("id") == "recommendation");
            var yaml = Assert.IsType<string>(report.Recommendation?.ContainerYaml);
            Assert.Equal(yaml, section.Element("pre")!.Value);
            Assert.Contains(yaml.TrimEnd('\n'), await File.ReadAllTextAsync(Path.Combine(folder.Path, MarkdownReport.FileName), cancellationToken), StringComparison.Ordinal);
            Assert.All(report.Recommendation!.Prose, p => Assert.Contains(p, section.Value, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
