using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Runners;
using Headroom.Runners.Kubernetes;
using Headroom.Trials;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// What the container status alone gets wrong about memory, against the fake API server: memory.events at the last
/// exec reading (Documentation/admin-guide/cgroup-v2.rst: oom_kill counts processes of the cgroup killed by an OOM
/// killer), the kubelet's SystemOOM Node event (pkg/kubelet/oom/oom_watcher_linux.go, recorded for OOMs in the root
/// cgroup only) and a liveness-probe kill (pkg/kubelet/kuberuntime/kuberuntime_manager.go: "Container X failed
/// liveness probe, will be restarted", exit 137 with reason Error).
/// </summary>
public class K8sOomEvidenceTests
{
    private static async Task<TrialResult> TrialAsync(FakeApiServer fake, string load, K8sRunnerOptions options)
    {
        await using var executor = new K8sTrialExecutor(fake.Connect(), new DeploymentTarget("sales", "sales-api"),
            HeyLoad.Parse($"{load} {fake.Url}app/work"), options);
        return await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi", "--limit"), KnobSet.None), null, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Killed after 0 reads of memory.events: during warm-up, before the runner's first exec reading (which needs three
    /// execs), the case the old first-vs-last comparison read as survived (its first reading already said oom_kill 1);
    /// after 3: mid-load. The container is new with the trial and did not restart, so its cgroup's counters began at 0.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task AProcessOtherThanTheMainOne_OomKilled_NoRestart_IsOomKilled_NotSurvived(int afterReads)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.CgroupVersion = 2;
        fake.OtherProcessOomAfterReads = afterReads;

        var result = await TrialAsync(fake, "-c 1 -z 1500ms", fake.FastOptions() with { CgroupInterval = TimeSpan.FromMilliseconds(50) });

        Assert.Equal(TrialOutcome.OomKilled, result.Outcome);
        Assert.Equal("pod sales-5c4d2f8b9-x2k8q: alive after the load, restarts 0->0; but memory.events oom_kill 0->1 since the container started, with no restart: a process other than the container's main one was OOM-killed at the limit",
            result.Evidence);
    }

    [Fact]
    public async Task NodeOomKill_TheKubeletsSystemOomEvent_IsCrashed_NotTheLimitsOomKill()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.OomAfterRequests = 10;
        fake.NodeOom = true;

        var result = await TrialAsync(fake, "-c 2 -n 40", fake.FastOptions());

        Assert.Equal(TrialOutcome.Crashed, result.Outcome);
        Assert.StartsWith("pod sales-5c4d2f8b9-x2k8q: OOMKilled, exit 137, restarts 0->1; but the node's OOM killer did it (node/kind-control-plane SystemOOM: System OOM encountered, victim process: sales-api, pid: 48213), not the container's limit",
            result.Evidence, StringComparison.Ordinal);
        Assert.Contains(result.Details.Events, e => e.Reason == "SystemOOM" && e.InvolvedObject == "node/kind-control-plane");
    }

    [Fact]
    public async Task LivenessKill_NearTheLimit_IsThrashing_NotCrashed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.SummaryServed = true;
        fake.LivenessKillAfterRequests = 15;

        var result = await TrialAsync(fake, "-c 1 -z 5s", fake.FastOptions() with { SummaryInterval = TimeSpan.FromMilliseconds(50) });

        Assert.Equal(TrialOutcome.Thrashing, result.Outcome);
        Assert.Equal("pod sales-5c4d2f8b9-x2k8q: Error, exit 137 (SIGKILL, but the kubelet did not report OOMKilled), restarts 0->1; killed by the kubelet after failing its liveness probe at 95% of its limit: too slow to answer at this limit (Container sales-api failed liveness probe, will be restarted)",
            result.Evidence);
    }
}
