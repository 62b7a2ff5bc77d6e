using Docker.DotNet.Models;
using Headroom.Runners.Docker;

namespace Headroom.Tests.Docker;

/// <summary>The engine's racy OOMKilled flag decides only where the cgroup's counter is unknown, and is always shown.</summary>
public class ContainerOutcomeTests
{
    private static readonly DateTimeOffset s_at = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static TrialObservation Seen(int? exitCode, long? before, long? after, params string[] output) =>
        new(exitCode is { } code ? new ExitStatus(code, s_at) : null, BecameReady: true, before, after, output, ThrashingEvidence: null);

    [Fact]
    public void CounterRose_IsOomKilled_EvenWhenTheEngineMissedIt()
    {
        var (outcome, evidence) = ContainerOutcome.Classify(Seen(137, 0, 1), engineOomKilled: false, counterLost: false);
        Assert.Equal(TrialOutcome.OomKilled, outcome);
        Assert.Equal("oom_kill 0->1, exit 137 (SIGKILL), engine: OOMKilled=false", evidence);
    }

    [Fact]
    public void Sigkill_WithCounterStill0_IsNotBlamedOnTheOomKiller()
    {
        var (outcome, evidence) = ContainerOutcome.Classify(Seen(137, 0, 0), engineOomKilled: false, counterLost: false);
        Assert.Equal(TrialOutcome.Crashed, outcome);
        Assert.Contains("killed by someone other than the kernel's OOM killer", evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void CounterLost_EngineFlagTrue_IsOomKilledOnTheEnginesWord()
    {
        var (outcome, evidence) = ContainerOutcome.Classify(Seen(137, null, null), engineOomKilled: true, counterLost: true);
        Assert.Equal(TrialOutcome.OomKilled, outcome);
        Assert.Equal("oom_kill counter gone with the container's cgroup before a rise was seen, exit 137 (SIGKILL), engine: OOMKilled=true", evidence);
    }

    [Fact]
    public void NoCounter_137WithoutTheFlag_IsOomKilled_ButSaysTheCauseIsUnconfirmed()
    {
        var (outcome, evidence) = ContainerOutcome.Classify(Seen(137, null, null), engineOomKilled: false, counterLost: false);
        Assert.Equal(TrialOutcome.OomKilled, outcome);
        Assert.EndsWith("engine: OOMKilled=false, SIGKILL, cause unconfirmed (the engine's flag is racy)", evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void NoCounter_ChildKilledWhileMainProcessLives_IsOomKilledOnTheEnginesWord()
    {
        var (outcome, evidence) = ContainerOutcome.Classify(Seen(null, null, null), engineOomKilled: true, counterLost: false);
        Assert.Equal(TrialOutcome.OomKilled, outcome);
        Assert.StartsWith("engine: OOMKilled=true, a process of the container was OOM-killed", evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void DotnetOutOfMemoryAsPid1_IsRuntimeOom()
    {
        var (outcome, evidence) = ContainerOutcome.Classify(Seen(139, 0, 0, "Out of memory."), engineOomKilled: false, counterLost: false);
        Assert.Equal(TrialOutcome.RuntimeOom, outcome);
        Assert.Equal("exit 139 (SIGSEGV), .NET: \"Out of memory.\", oom_kill 0->0 (no kernel kill), engine: OOMKilled=false", evidence);
    }

    [Fact]
    public void EngineStats_V1AndV2Keys_MapToTheCgroupReading()
    {
        var v1 = EngineStatsSource.ToReading(new MemoryStats
        {
            Usage = 50 << 20,
            MaxUsage = 60 << 20,
            Stats = new Dictionary<string, ulong> { ["total_rss"] = 30 << 20, ["total_cache"] = 15 << 20, ["total_pgmajfault"] = 7, ["rss"] = 1 },
        })!;
        Assert.Equal((50L << 20, 60L << 20, 30L << 20, 15L << 20, 7L), (v1.UsageBytes, v1.PeakBytes, v1.AnonBytes, v1.FileBytes, v1.MajorFaults));
        var v2 = EngineStatsSource.ToReading(new MemoryStats
        {
            Usage = 40 << 20,
            Stats = new Dictionary<string, ulong> { ["anon"] = 25 << 20, ["file"] = 10 << 20, ["pgmajfault"] = 3 },
        })!;
        Assert.Equal((40L << 20, (long?)null, 25L << 20, 10L << 20, 3L), (v2.UsageBytes, v2.PeakBytes, v2.AnonBytes, v2.FileBytes, v2.MajorFaults));
        Assert.Null(EngineStatsSource.ToReading(new MemoryStats()));
    }

    [Fact]
    public void ContainerUrl_IsRewrittenToItsPublishedHostPort()
    {
        var ports = ContainerPorts.FreeHostPorts([3000, 4000, 3000]);
        Assert.Equal(2, ports.Count);
        Assert.NotEqual(ports[3000], ports[4000]);
        Assert.Equal($"http://127.0.0.1:{ports[4000]}/debug/vars", ContainerPorts.ToHost(new Uri("http://localhost:4000/debug/vars"), ports).ToString());
        var e = Assert.Throws<UserInputException>(() => ContainerPorts.ToHost(new Uri("http://127.0.0.1:5000/x"), ports));
        Assert.Contains("--port", e.Message, StringComparison.Ordinal);
    }
}
