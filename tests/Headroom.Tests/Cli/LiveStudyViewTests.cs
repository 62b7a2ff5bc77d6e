using Headroom.Cli.Live;
using Headroom.Memory;
using Spectre.Console.Testing;

namespace Headroom.Tests.Cli;

/// <summary>The live view's frames as Spectre's test console draws them, and when the live view is used at all.</summary>
public sealed class LiveStudyViewTests
{
    private static readonly TrialRequest s_request = new(MemoryQuantity.Parse("40Mi"), KnobPresets.Get("dotnet"));

    private static MemorySample Sample(long ms, string phase, long usageMib, long? completed, long faults) =>
        new(ms, phase, usageMib << 20, null, null, null, null, null, faults, null, 0, null, null, completed, null, null);

    private static string Frame(LiveStudyView view)
    {
        var console = new TestConsole().Width(120);
        console.Write(view.Render());
        return console.Output;
    }

    [Fact]
    public void DuringTheLoad_ShowsLimitPhaseBarRateFaultsAndEta()
    {
        var view = new LiveStudyView(plannedRequests: 1000);
        view.Report(new StudyProgress(StudyPhases.Edge, 3, 20, TimeSpan.FromSeconds(95), false, "32Mi none: survived"));
        view.TrialStarted(s_request);
        view.OnSample(Sample(0, "start", 10, null, 100));
        view.OnSample(Sample(1000, "load", 20, 0, 120));
        view.OnSample(Sample(2000, "load", 30, 500, 160));

        var frame = Frame(view);

        Assert.Contains("edge: 3 of ~20 trials done, ETA 00:01:35", frame);
        Assert.Contains("trial 4: limit 40Mi, knobs dotnet (DOTNET_GCHeapHardLimit=2800000), load 500 of 1,000", frame);
        // 30 of 40 MiB: three quarters of the 32-cell bar filled.
        Assert.Contains($"charged {new string('█', 24)}{new string('░', 8)} 30.0 MiB of 40Mi (75 %)", frame);
        Assert.Contains("500 req/s so far, major faults +60", frame);
    }

    [Fact]
    public void PhasesReadAsWords_AndFinishedTrialsGrowATable()
    {
        var view = new LiveStudyView(plannedRequests: null);
        view.TrialStarted(s_request);
        Assert.Contains("starting", Frame(view));
        Assert.Contains("ETA after the first trial", Frame(view));
        view.OnSample(Sample(0, "ready", 12, null, 0));
        Assert.Contains(", ready", Frame(view));
        view.OnSample(Sample(100, "stop", 12, 10, 0));
        Assert.Contains("stopping", Frame(view));

        view.TrialFinished(new TrialResult(s_request, TrialOutcome.OomKilled, "oom_kill 0->1", null,
            new TrialMemorySummary(41L << 20, null, null, null, null, null, null, null), 0, TimeSpan.FromSeconds(3)));
        var frame = Frame(view);

        Assert.Contains("finished trials", frame);
        Assert.Contains("oom-killed", frame);
        Assert.Contains("41.0 MiB", frame);
        Assert.DoesNotContain("stopping", frame);
    }

    [Fact]
    public async Task Samplers_MadeWhileObserving_ReportToTheView_OthersDoNot()
    {
        var seen = new List<MemorySample>();
        MemorySampler observed;
        using (LiveSamples.Observe(seen.Add))
        {
            observed = new MemorySampler(null, () => null, () => null, () => null, TimeSpan.FromSeconds(1));
        }
        await using var disposeObserved = observed;
        await using var unobserved = new MemorySampler(null, () => null, () => null, () => null, TimeSpan.FromSeconds(1));

        observed.Take();
        unobserved.Take();

        Assert.Single(seen);
    }

    [Theory]
    [InlineData("-c 10 -n 1000", 1000L)]
    [InlineData("-c 1 -n 4 http://127.0.0.1:3000/grow", 4L)]
    [InlineData("-z 30s http://127.0.0.1:3000/", null)]
    public void PlannedRequests_AreHeysN(string load, long? expected) =>
        Assert.Equal(expected, LiveStudy.PlannedRequests(load));

    [Fact]
    public void RedirectedOrPlain_GetsLines()
    {
        Assert.False(LiveStudy.Wanted(new StringWriter(), plain: false));
        Assert.False(LiveStudy.Wanted(Console.Out, plain: true));
    }
}
