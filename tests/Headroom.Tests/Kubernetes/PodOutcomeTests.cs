using Headroom.Runners.Kubernetes;
using k8s.Models;

namespace Headroom.Tests.Kubernetes;

public class PodOutcomeTests
{
    private static readonly V1ContainerStatus s_running = new() { Name = "sales-api", RestartCount = 0, State = new() { Running = new() } };

    [Fact]
    public void ReadyAndAlive_WithoutThrashing_Survived()
    {
        var (outcome, evidence) = PodOutcome.Classify("sales-1", s_running, 0, becameReady: true, [], null);

        Assert.Equal((TrialOutcome.Survived, "pod sales-1: alive after the load, restarts 0->0"), (outcome, evidence));
    }

    [Fact]
    public void ReadyAndAlive_WithThrashingFromItsCgroup_IsThrashing()
    {
        var (outcome, evidence) = PodOutcome.Classify("sales-1", s_running, 0, becameReady: true, [], null,
            thrashing: "the load did not finish within 10 min while at the limit (18.0 MiB charged, pgmajfault +9,000 in 600.0 s)");

        Assert.Equal(TrialOutcome.Thrashing, outcome);
        Assert.Equal("pod sales-1: the load did not finish within 10 min while at the limit (18.0 MiB charged, pgmajfault +9,000 in 600.0 s), restarts 0->0", evidence);
    }

    [Fact]
    public void OomKilled_WinsOverThrashing()
    {
        var killed = new V1ContainerStatus
        {
            Name = "sales-api", RestartCount = 1, State = new() { Running = new() },
            LastState = new() { Terminated = new() { Reason = "OOMKilled", ExitCode = 137 } },
        };

        var (outcome, _) = PodOutcome.Classify("sales-1", killed, 0, becameReady: true, [], null, thrashing: "pgmajfault +5,000 in 3.0 s");

        Assert.Equal(TrialOutcome.OomKilled, outcome);
    }
}
