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
}
