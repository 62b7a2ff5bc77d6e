using System.Text.Json;
using System.Text.Json.Nodes;
using Headroom.Cli.Commands;
using Headroom.Reports;
using Headroom.Reports.Html;

namespace Headroom.Tests.Reports;

/// <summary>
/// The edge search counts a trial whose memory never reached 95 % of its limit as healthy whatever its speed; every
/// report marks the rows that rule decided and says why. The recorded Go study, with one edge trial made slow and
/// its peak put below 95 % of its limit, is replayed through the real search and written by the real writers.
/// </summary>
public sealed class NeverAtLimitReportTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("headroom-never-at-limit-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task EdgeRowDecidedByTheNeverAtLimitRule_IsMarked_WithItsSentence_InConsoleMarkdownHtmlAndSummary()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var path = RecordedStudy.CopyTo(Path.Combine(_work, "study"));
        var results = Path.Combine(path, StudyFolder.ResultsFile);
        // Edge trial 2 (14Mi): 400 req/s against the baseline's 3,919 (bar 90 %), peak 12.0 MiB of 14Mi (86 %).
        var lines = await File.ReadAllLinesAsync(results, cancellationToken);
        var slow = JsonNode.Parse(lines[2])!;
        Assert.Equal(("edge", "14Mi"), ((string?)slow["phase"], (string?)slow["limit"]));
        slow["load"]!["requestsPerSecond"] = 400.0;
        slow["memory"]!["peakChargedBytes"] = 12L << 20;
        lines[2] = slow.ToJsonString();
        await File.WriteAllLinesAsync(results, lines, cancellationToken);
        var folder = StudyFolder.OpenExisting(path);
        var study = await new Study(null, folder).RunAsync(folder.ReadPlan(), null, cancellationToken);
        var report = StudyReport.From(study, new RecommendOptions());

        await StudyReportWriter.WriteAsync(folder, report, cancellationToken);
        var console = new StringWriter();
        StudyTables.Render(ExperimentCommands.ConsoleFor(console), report, showRecommendation: false);

        var marked = Assert.Single(study.Edge!.Trials, t => t.NeverAtLimit);
        Assert.Equal((2, true), (marked.Number, marked.Healthy));
        const string Sentence = "† counted healthy below the bar: its memory never reached 95 % of the limit, so the limit did not slow it";
        var markdown = await File.ReadAllTextAsync(Path.Combine(path, MarkdownReport.FileName), cancellationToken);
        Assert.Contains("| 2 | survival | bracket up | 14Mi | survived † |", markdown, StringComparison.Ordinal);
        Assert.Single(markdown.Split('\n'), l => l.Contains("survived †", StringComparison.Ordinal));
        Assert.Contains("\n" + Sentence, markdown, StringComparison.Ordinal);
        Assert.Single(console.ToString().Split('\n'), l => l.Contains("survived †", StringComparison.Ordinal) && l.Contains("14Mi", StringComparison.Ordinal));
        Assert.Contains(Sentence, console.ToString(), StringComparison.Ordinal);
        var page = HtmlReportTests.ParseXhtml(await File.ReadAllTextAsync(Path.Combine(path, HtmlReportWriter.FileName), cancellationToken));
        var rows = page.Descendants("table").Single(t => t.Element("caption")!.Value == "Trials of the edge search").Element("tbody")!.Elements("tr").ToList();
        Assert.Equal(["survived †"], rows.Select(r => r.Elements("td").ElementAt(3).Value).Where(v => v.Contains('†', StringComparison.Ordinal)));
        Assert.Contains(Sentence, page.Descendants("section").Single(s => (string?)s.Attribute("id") == "edge").Value, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(path, SummaryJson.FileName), cancellationToken));
        var edge = summary.RootElement.GetProperty("edge");
        var outcomes = edge.GetProperty("outcomes").EnumerateArray().ToList();
        Assert.Equal([2], outcomes.Where(o => o.TryGetProperty("neverAtLimit", out var n) && n.GetBoolean()).Select(o => o.GetProperty("number").GetInt32()));
        Assert.Equal("survived", outcomes[1].GetProperty("outcome").GetString());
        Assert.StartsWith(Sentence, edge.GetProperty("neverAtLimitNote").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordedStudy_WithEveryEdgeTrialAtItsLimit_HasNoMarkAndNoSentence()
    {
        var (study, _) = await RecordedStudy.LoadAsync(TestContext.Current.CancellationToken);
        var console = new StringWriter();

        StudyTables.Render(ExperimentCommands.ConsoleFor(console), StudyReport.From(study, new RecommendOptions()), showRecommendation: false);

        Assert.DoesNotContain(study.Edge!.Trials, t => t.NeverAtLimit);
        Assert.DoesNotContain("†", console.ToString(), StringComparison.Ordinal);
    }
}
