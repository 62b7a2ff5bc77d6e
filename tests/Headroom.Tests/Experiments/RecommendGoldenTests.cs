using Headroom.Reports;
using k8s;
using k8s.Models;

namespace Headroom.Tests.Experiments;

/// <summary>
/// Golden outputs of <c>recommend</c> for a recorded study. The study under RecordedStudies/go-twin-scripted was
/// recorded from <see cref="GoTwinScript"/> (the runner is not in this branch); set HEADROOM_UPDATE_GOLDEN=1 to
/// record it and the golden files again after an intended change, and review the diff.
/// </summary>
public class RecommendGoldenTests
{
    private static readonly string Recorded = Path.Combine(AppContext.BaseDirectory, "Experiments", "RecordedStudies", "go-twin-scripted");

    private static bool Update => Environment.GetEnvironmentVariable("HEADROOM_UPDATE_GOLDEN") == "1";

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "RecordedStudies", "go-twin-scripted");

    private static async Task<StudyReport> ReplayAsync()
    {
        if (Update)
        {
            var source = SourceFolder();
            if (Directory.Exists(source))
            {
                Directory.Delete(source, recursive: true);
            }
            await new Study(GoTwinScript.Executor(), StudyFolder.Open(source)).RunAsync(GoTwinScript.Plan(), null, TestContext.Current.CancellationToken);
        }
        var folder = StudyFolder.OpenExisting(Update ? SourceFolder() : Recorded);
        var study = await new Study(null, folder).RunAsync(folder.ReadPlan(), null, TestContext.Current.CancellationToken);
        return StudyReport.From(study, new RecommendOptions());
    }

    private static void AssertGolden(string name, string actual)
    {
        var golden = Path.Combine(SourceFolder(), "..", name);
        if (Update)
        {
            File.WriteAllText(golden, actual);
        }
        Assert.Equal(File.ReadAllText(golden), actual);
    }

    [Fact]
    public async Task Recommend_RecordedGoStudy_MatchesGoldenReport()
    {
        var report = await ReplayAsync();

        Assert.Equal(0, report.Study.TrialsRun);
        AssertGolden("go-twin-scripted.report.md", MarkdownReport.Render(report));
    }

    [Fact]
    public async Task Recommend_RecordedGoStudy_LimitIsHealthyEdgePlusMarginAndGoMemLimitBelowItByTheNonHeapOverhead()
    {
        var r = (await ReplayAsync()).Recommendation!;

        // healthy edge 14Mi x 1.25 = 17.5 MiB -> 18Mi; overhead = anon 7.4 - HeapSys 7.6 (none) + half of the file
        // pages 6.7 MiB (7025459 bytes): what the Go runtime does not count, less the reclaimable page cache
        Assert.Equal("18Mi", r.Limit.ToString());
        Assert.Equal(r.Limit, r.Request);
        Assert.Equal("GOMEMLIMIT", r.RuntimeLimit!.Variable);
        Assert.Equal((18 * 1048576L - 7025459 / 2).ToString(System.Globalization.CultureInfo.InvariantCulture), r.RuntimeLimit.Value);
        Assert.True(r.Knob!.PaidOff);
        Assert.Contains(r.Caveats, c => c.StartsWith("Between the survival edge 12Mi and the healthy edge 14Mi it survived but crawled: 713 req/s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Caveat_SurvivalEdgeAtFullSpeed_SaysNotHealthy_NeverCrawled()
    {
        // A run in which the survival edge's trial outran the baseline (186 % seen on a busy machine): it did not crawl.
        var study = (await ReplayAsync()).Study;
        var edge = study.Edge!;
        var fast = edge with
        {
            ThroughputCurve = [.. edge.ThroughputCurve.Select(p => p.Limit == edge.SurvivalEdge ? p with { MedianRequestsPerSecond = study.Baseline.Load!.RequestsPerSecond * 1.86 } : p)],
        };

        var caveats = Caveats.From(study with { Edge = fast }, null);

        Assert.Contains(caveats, c => c.StartsWith("Between the survival edge 12Mi and the healthy edge 14Mi it survived but was not healthy: ", StringComparison.Ordinal) && c.Contains("(186 %)", StringComparison.Ordinal));
        Assert.DoesNotContain(caveats, c => c.Contains("crawled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Recommend_ContainerYaml_DeserialisesIntoV1Container()
    {
        var r = (await ReplayAsync()).Recommendation!;

        var container = KubernetesYaml.Deserialize<V1Container>(r.ContainerYaml!);

        Assert.Equal("go-twin", container.Name);
        Assert.Equal(new ResourceQuantity("18Mi"), container.Resources.Limits["memory"]);
        Assert.Equal(container.Resources.Limits["memory"], container.Resources.Requests["memory"]);
        Assert.Equal(r.RuntimeLimit!.Value, container.Env.Single(e => e.Name == "GOMEMLIMIT").Value);
        Assert.Equal("off", container.Env.Single(e => e.Name == "GOGC").Value);
    }

    [Fact]
    public void ContainerSnippet_GoWithoutHeapFigure_UsesResourceFieldRef_AndDotnetHexIsALiteral()
    {
        var limit = Headroom.Limits.MemoryQuantity.Parse("64Mi");
        var go = RuntimeLimits.For(Headroom.Specs.TargetRuntime.Go, limit, null)!;
        var dotnet = RuntimeLimits.For(Headroom.Specs.TargetRuntime.Dotnet, limit, (16 * 1048576L, "test"))!;

        var goYaml = ContainerSnippet.ToYaml(ContainerSnippet.Build("svc", "svc:1", limit, go, new Dictionary<string, string>()));
        var dotnetYaml = ContainerSnippet.ToYaml(ContainerSnippet.Build("svc", "svc:1", limit, dotnet, new Dictionary<string, string>()));

        var goEnv = Assert.Single(KubernetesYaml.Deserialize<V1Container>(goYaml).Env);
        Assert.Equal("limits.memory", goEnv.ValueFrom.ResourceFieldRef.Resource);
        Assert.Null(goEnv.Value);
        var dotnetEnv = Assert.Single(KubernetesYaml.Deserialize<V1Container>(dotnetYaml).Env);
        Assert.Equal("3000000", dotnetEnv.Value); // 48 MiB in hex
        Assert.Null(dotnetEnv.ValueFrom);
    }
}
