using Headroom.Targets;

namespace Headroom.Tests.Runners;

/// <summary>The bundled sample under the article's load (-c 10 -n 1000 with a token), far below its need and at 4x its peak.</summary>
[Collection(RealCgroupsCollection.Name)]
public class SalesApiTrialTests
{
    private static async Task<TrialResult> RunAsync(string? limit)
    {
        var cgroups = CgroupRequirement.Writable();
        var target = new SalesApiTarget(SalesApiBuild.FromDirectory(AppContext.BaseDirectory));
        var executor = new LocalTrialExecutor(target, new SalesApiLoad(null), new LocalRunnerOptions { ReadyTimeout = TimeSpan.FromSeconds(90) });
        var request = new TrialRequest(limit is null ? null : MemoryQuantity.Parse(limit), KnobSet.None);
        var result = await executor.RunAsync(request, null, TestContext.Current.CancellationToken);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
        return result;
    }

    [Fact]
    public async Task FarBelowItsNeed_IsKilledByTheKernelOrGivesUp()
    {
        // Measured here (cold start, kernel 6.18, cgroup v1): .NET never got to an OutOfMemoryException under a
        // kernel limit; at 16Mi it is OOM-killed during startup (exit 137) after ~1,000 major faults.
        var result = await RunAsync("16Mi");
        Assert.Contains(result.Outcome, new[] { TrialOutcome.OomKilled, TrialOutcome.RuntimeOom, TrialOutcome.Thrashing });
        TestContext.Current.SendDiagnosticMessage($"SalesApi at 16Mi: {result.Outcome.ToKebab()} ({result.Evidence})");
        Assert.False(result.Survived);
    }

    [Fact]
    public async Task AtFourTimesItsPeak_SurvivesWithKernelAndRuntimeFigures()
    {
        // Its cold peak under this load is ~45-52 MiB charged (anon ~15, file ~30).
        var result = await RunAsync("200Mi");
        Assert.Equal(TrialOutcome.Survived, result.Outcome);
        Assert.Equal(1000, result.Load!.Requests);
        Assert.Equal(1000, result.Load.Succeeded);
        Assert.True(result.Memory.PeakChargedBytes > 0);
        Assert.True(result.Memory.PeakAnonBytes > 0);
        Assert.True(result.Memory.PeakFileBytes > 0);
        var details = result.Details;
        Assert.True(details.RuntimeAfter?.SysBytes > 0, "expvar Sys after the load");
        Assert.True(details.RuntimeAfter?.HeapAllocBytes > 0, "expvar HeapAlloc after the load");
        Assert.True(details.CountersAfter?.HeapAllocBytes > 0, ".NET gc-heap-size from the event counters");
        Assert.True(details.KernelAfter?.AnonBytes > 0);
        Assert.Contains(details.Samples, s => s.Runtime?.SysBytes > 0);
        Assert.Contains(details.Samples, s => s.CompletedRequests == 1000);
        Assert.True(details.ColdStart);
    }
}
