using System.Text.Json;
using Headroom.Cli;
using Headroom.Reports;
using k8s;
using k8s.Models;

namespace Headroom.Tests.EndToEnd;

/// <summary>
/// <c>headroom study</c> as a user runs it, on the bundled C# sample under real cgroup limits, shortened by flags
/// (one confirmation, one matrix round, a 4Mi resolution) so it fits in CI; the default stays the article's.
/// </summary>
[Collection(RealCgroupsCollection.Name)]
public sealed class SalesApiStudyTests() : TempFolderTest("headroom-e2e-study-")
{
    [Fact]
    public async Task Study_BundledSample_FindsAnEdgeAndRecommendsAContainerThatFits()
    {
        var cgroups = CgroupRequirement.Writable();
        var folder = Path.Combine(TempRoot, "study");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await HeadroomApp.RunAsync(
            ["study", "--out", folder, "--confirm", "1", "--repeats", "1", "--resolution", "4Mi", "--sustain", "2s"], stdout, stderr);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        var summary = JsonSerializer.Deserialize<StudySummary>(
            await File.ReadAllTextAsync(Path.Combine(folder, SummaryJson.FileName), TestContext.Current.CancellationToken), StudyJson.Options)!;
        Assert.Equal("survived", summary.BaselineOutcome);
        var edge = Assert.IsType<EdgeSummary>(summary.Edge);
        var survival = Assert.NotNull(edge.SurvivalEdge);
        // Measured here: the sample's cold edge is about 32 MiB, its unlimited peak about 46 MiB.
        Assert.InRange(survival.Mebibytes, 12, 128);
        Assert.True(edge.LargestFailing is { } failing && failing < survival, "a failing limit below the edge was seen");
        var matrix = Assert.IsType<List<CellSummary>>(summary.Matrix, exactMatch: false);
        Assert.NotEmpty(matrix);
        // Every section agrees: the matrix's no-knob cells at and above the healthy edge meet the healthy bar (else the
        // edge would have moved up past them, with a note).
        if (edge.HealthyEdge is { } healthy)
        {
            var minRps = summary.BaselineRequestsPerSecond!.Value * EdgeSearchOptions.DefaultHealthy;
            var maxP99 = summary.BaselineP99!.Value * EdgeSearchOptions.DefaultP99Factor;
            var above = matrix.Where(c => c.Knobs == "none" && c.Limit >= healthy).ToList();
            Assert.NotEmpty(above);
            Assert.All(above, c => Assert.True(c.OomKills == 0 && c.MedianRequestsPerSecond >= minRps && c.MedianP99Latency <= maxP99,
                $"no-knob cell at {c.Limit}: {c.MedianRequestsPerSecond:0} req/s, p99 {c.MedianP99Latency}, {c.OomKills} OOM; bar {minRps:0} req/s, p99 {maxP99} (healthy edge {healthy})"));
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(edge.Message), "no healthy edge, and no message saying why");
        }

        var trials = File.ReadLines(Path.Combine(folder, StudyFolder.ResultsFile)).Count(l => l.Length > 0);
        Assert.Equal(summary.Trials, trials);
        Assert.True(File.Exists(Path.Combine(folder, "report.html")));
        Assert.True(File.Exists(Path.Combine(folder, MarkdownReport.FileName)));
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));

        if (edge.HealthyEdge is null)
        {
            // One matrix round per cell (the CI setting) can fail every limit above the edge search's healthy edge on a
            // busy machine: then there is nothing to recommend or verify, and every report says why (asserted above).
            Assert.Null(summary.Verification);
            return;
        }
        // The recommendation was run before it was printed.
        Assert.True(summary.Verification is not null, $"no verification; the study printed:\n{stdout}");
        Assert.Contains(summary.Verification.Lines, l => l.StartsWith("verified: ", StringComparison.Ordinal) || l.StartsWith("no setting verified", StringComparison.Ordinal));
        var recommendation = Assert.IsType<RecommendationSummary>(summary.Recommendation);
        var container = KubernetesYaml.Deserialize<V1Container>(Assert.IsType<string>(recommendation.ContainerYaml));
        var limit = container.Resources.Limits["memory"].ToInt64();
        Assert.True(limit >= survival.Bytes, $"recommended {limit} bytes is below the survival edge {survival}");
        Assert.Equal(container.Resources.Limits["memory"], container.Resources.Requests["memory"]);
    }
}
