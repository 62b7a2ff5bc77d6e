using Headroom.Cli.Commands;
using Headroom.Reports;
using Spectre.Console.Testing;

namespace Headroom.Tests.Cli;

/// <summary>The study's console tables as Spectre's test console draws them, for the recorded Go twin study.</summary>
public sealed class StudyTablesTests
{
    private static readonly string Recorded = Path.Combine(AppContext.BaseDirectory, "Experiments", "RecordedStudies", "go-twin-scripted");

    [Fact]
    public async Task RecordedStudy_PrintsItsEdges_WithNoProseLineEndingInASpace()
    {
        var folder = StudyFolder.OpenExisting(Recorded);
        var study = await new Study(null, folder).RunAsync(folder.ReadPlan(), null, TestContext.Current.CancellationToken);
        var console = new TestConsole().Width(160);

        StudyTables.Render(console, StudyReport.From(study, new RecommendOptions()), showRecommendation: true);

        var lines = console.Output.Split('\n');
        Assert.Contains("healthy edge 14Mi", lines);
        // Spectre pads table rows and blank lines to the console's width; the prose lines must not end in a space.
        var prose = lines.Where(l => l.StartsWith("survival edge", StringComparison.Ordinal) || l.StartsWith("healthy edge", StringComparison.Ordinal) || l.StartsWith("predicted", StringComparison.Ordinal)).ToList();
        Assert.Contains("healthy edge 14Mi", prose);
        Assert.DoesNotContain(prose, l => l.EndsWith(' '));
    }

    [Fact]
    public async Task MatrixRow_ShowsEveryFailedRound_AndTheClosingLineCountsTheVerification()
    {
        // As study 3 of measure-12: one of the three no-knob rounds at the edge thrashed, which `OOM 0 of 3` hid.
        var study = Headroom.Tests.Experiments.RecordedGoTwin.WithMatrixRound(await Headroom.Tests.Experiments.RecordedGoTwin.LoadAsync(),
            "12Mi", KnobSet.None.Name, 2, TrialOutcome.Thrashing, "crawling: 40.7 req/s against 10,000 unlimited, pgmajfault +347");
        var console = new TestConsole().Width(200);

        StudyTables.Render(console, StudyReport.From(study, new RecommendOptions()), showRecommendation: true, ("verification", TimeSpan.FromSeconds(54)));

        var lines = console.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("OOM / failed", StringComparison.Ordinal));
        var row = Assert.Single(lines, l => l.Contains("12Mi (edge)", StringComparison.Ordinal) && l.Contains(" none ", StringComparison.Ordinal));
        Assert.Contains(" 0 / 1 of 3 ", row, StringComparison.Ordinal);
        var total = Headroom.Reports.ReportFormat.Seconds(study.Elapsed + TimeSpan.FromSeconds(54));
        Assert.Contains(lines, l => l.Contains($"wall time + 54.0 s of verification = {total}", StringComparison.Ordinal));
    }
}
