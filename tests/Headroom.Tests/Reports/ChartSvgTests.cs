using System.Xml.Linq;
using Headroom.Memory;
using Headroom.Reports.Charts;

namespace Headroom.Tests.Reports;

public sealed class ChartSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XElement Parse(SvgChart chart)
    {
        Assert.DoesNotContain("<?xml", chart.Svg, StringComparison.Ordinal);
        var root = XElement.Parse(chart.Svg);
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Equal("img", (string?)root.Attribute("role"));
        Assert.NotNull(root.Attribute("viewBox"));
        Assert.Equal(chart.Title, root.Element(Svg + "title")?.Value);
        Assert.Equal(chart.Description, root.Element(Svg + "desc")?.Value);
        return root;
    }

    /// <summary>Each label is among the chart's texts.</summary>
    private static void AssertShows(string texts, params string[] labels)
    {
        foreach (var label in labels)
        {
            Assert.Contains(label, texts, StringComparison.Ordinal);
        }
    }

    private static string Texts(XElement root) => string.Join('\n', root.Descendants(Svg + "text").Select(t => t.Value));

    [Fact]
    public async Task MemoryTimeline_RecordedOomKilledTrial_DrawsSeriesLimitLineAndKill()
    {
        var samples = await SampleSeries.ReadAsync(Path.Combine(RecordedStudy.Folder, "samples", "edge-000.jsonl"), TestContext.Current.CancellationToken);
        var chart = MemoryTimelineChart.Render(new MemoryTimelineInput("edge #1 at 11Mi", samples, MemoryQuantity.Parse("11Mi"), TrialOutcome.OomKilled), "t1");

        var texts = Texts(Parse(chart));
        AssertShows(texts, "limit 11Mi", "kernel usage (charged)", "anon", "file (page cache)", "runtime Sys", "OOM kill", "exit (oom-killed)", "time since start (s)", "memory (MiB)");
    }

    [Fact]
    public void MemoryTimeline_NoSamples_SaysSoInsteadOfFailing()
    {
        var chart = MemoryTimelineChart.Render(new MemoryTimelineInput("empty", [], null, TrialOutcome.StartFailed), "t2");
        Assert.Contains("no samples were recorded", Texts(Parse(chart)), StringComparison.Ordinal);
    }

    [Fact]
    public void TwoCharts_OnOnePage_ShareNoIds()
    {
        var input = new EdgePathInput("edge", [new EdgePathTrial(1, MemoryQuantity.Parse("12Mi"), TrialOutcome.Survived, "start")], null, null, null);
        var first = Parse(EdgePathChart.Render(input, "a"));
        var second = Parse(EdgePathChart.Render(input, "b"));
        var ids = first.DescendantsAndSelf().Concat(second.DescendantsAndSelf()).Select(e => (string?)e.Attribute("id")).OfType<string>().ToList();
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var references = first.Descendants().SelectMany(e => e.Attributes()).Where(a => a.Value.Contains("url(#", StringComparison.Ordinal)).ToList();
        Assert.All(references, r => Assert.Matches(@"^url\(#a-\d+\)$", r.Value));
        var firstIds = first.DescendantsAndSelf().Select(e => (string?)e.Attribute("id")).OfType<string>().ToHashSet();
        Assert.All(references, r => Assert.Contains(r.Value[5..^1], firstIds));
    }

    [Fact]
    public void Render_SameInput_GivesTheSameSvg()
    {
        var input = new EdgePathInput("edge", [new EdgePathTrial(1, MemoryQuantity.Parse("12Mi"), TrialOutcome.Survived, "start")], null, null, null);
        Assert.Equal(EdgePathChart.Render(input, "same").Svg, EdgePathChart.Render(input, "same").Svg);
    }

    [Fact]
    public void GlyphPositions_HaveNoTrailingCommas()
    {
        var chart = EdgePathChart.Render(new EdgePathInput("edge", [new EdgePathTrial(1, MemoryQuantity.Parse("12Mi"), TrialOutcome.Survived, "start")], null, null, null), "g");
        var lists = Parse(chart).Descendants(Svg + "text").SelectMany(t => new[] { (string?)t.Attribute("x"), (string?)t.Attribute("y") }).OfType<string>().ToList();
        Assert.NotEmpty(lists);
        Assert.All(lists, l => Assert.DoesNotContain(",", l, StringComparison.Ordinal));
    }

    [Fact]
    public void LimitSweep_MarksFailedCellsAndNamesEachKnobSet()
    {
        var input = new LimitSweepInput("matrix",
        [
            new LimitSweepSeries("none", [new(MemoryQuantity.Parse("12Mi"), null, null, 3, 3), new(MemoryQuantity.Parse("24Mi"), 3000, TimeSpan.FromMilliseconds(9), 3, 0)]),
            new LimitSweepSeries("go (GOMEMLIMIT={limit}, GOGC=off)", [new(MemoryQuantity.Parse("12Mi"), 40, TimeSpan.FromMilliseconds(300), 3, 1), new(MemoryQuantity.Parse("24Mi"), 2900, TimeSpan.FromMilliseconds(10), 3, 0)]),
        ], 3100, TimeSpan.FromMilliseconds(8), 0.9, 2);

        var throughput = Texts(Parse(LimitSweepChart.RenderThroughput(input, "s1")));
        AssertShows(throughput, "none", "go (GOMEMLIMIT={limit}, GOGC=off)", "every trial failed", "some trials failed", "healthy: 90% of baseline", "12Mi");

        var p99 = Parse(LimitSweepChart.RenderP99(input, "s2"));
        Assert.Contains("p99 latency (ms, median)", Texts(p99), StringComparison.Ordinal);
        Assert.Contains("12Mi failed", p99.Element(Svg + "desc")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void EdgePath_ShowsEdgesAndEveryOutcomeInTheLegend()
    {
        var trials = new[]
        {
            new EdgePathTrial(1, MemoryQuantity.Parse("11Mi"), TrialOutcome.OomKilled, "start"),
            new EdgePathTrial(2, MemoryQuantity.Parse("14Mi"), TrialOutcome.Survived, "bracket up"),
            new EdgePathTrial(3, MemoryQuantity.Parse("12Mi"), TrialOutcome.Thrashing, "bisect"),
            new EdgePathTrial(4, MemoryQuantity.Parse("13Mi"), TrialOutcome.RuntimeOom, "confirm"),
        };
        var root = Parse(EdgePathChart.Render(new EdgePathInput("edge search", trials, MemoryQuantity.Parse("14Mi"), MemoryQuantity.Parse("16Mi"), MemoryQuantity.Parse("10Mi")), "p"));
        var texts = Texts(root);
        AssertShows(texts, "survival edge 14Mi", "healthy edge 16Mi", "predicted 10Mi", "oom-killed", "survived", "thrashing", "runtime-oom", "trial number", "limit tried (MiB)");
    }

    [Fact]
    public void KernelVsRuntime_LabelsGroupsAndOnlyTheFiguresMeasured()
    {
        var groups = new[]
        {
            new KernelVsRuntimeGroup("baseline", 16L << 20, 14L << 20, 4L << 20, 1L << 20),
            new KernelVsRuntimeGroup("13Mi none", 13L << 20, 13L << 20, 4L << 20, null),
        };
        var root = Parse(KernelVsRuntimeChart.Render(groups, "matrix", "k"));
        Assert.Contains("baseline: kernel peak (charged) 16.0 MiB, runtime Sys 14.0 MiB", root.Element(Svg + "desc")!.Value, StringComparison.Ordinal);
        var texts = Texts(root);
        foreach (var label in new[] { "baseline", "13Mi", "none", "kernel peak (charged)", "runtime Sys", "runtime HeapSys", "runtime HeapAlloc" })
        {
            Assert.Contains(label, texts, StringComparison.Ordinal);
        }

        var kernelOnly = Texts(Parse(KernelVsRuntimeChart.Render([new KernelVsRuntimeGroup("node", 90L << 20, null, null, null)], "baseline", "k2")));
        Assert.DoesNotContain("runtime Sys", kernelOnly, StringComparison.Ordinal);
    }
}
