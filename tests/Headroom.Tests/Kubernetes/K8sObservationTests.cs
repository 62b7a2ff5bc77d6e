using Headroom.Runners.Kubernetes;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// What the Kubernetes runner observes beside the container status, against the fake API server: memory from the
/// container's cgroup through exec and from metrics.k8s.io, and the pod's events in the evidence.
/// </summary>
public class K8sObservationTests
{
    /// <summary>The fake's fast options, with the exec and metrics.k8s.io sources polled as often as the sampler.</summary>
    private static K8sRunnerOptions Fast(FakeApiServer fake) => fake.FastOptions() with
    {
        CgroupInterval = TimeSpan.FromMilliseconds(50),
        MetricsInterval = TimeSpan.FromMilliseconds(50),
    };

    private static async Task<TrialResult> TrialAsync(FakeApiServer fake, string load, string limit = "64Mi", K8sRunnerOptions? options = null)
    {
        await using var executor = new K8sTrialExecutor(fake.Connect(), new DeploymentTarget("sales", "sales-api"),
            HeyLoad.Parse($"{load} {fake.Url}app/work"), options ?? Fast(fake));
        return await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse(limit, "--limit"), KnobPresets.Get("go")), null, TestContext.Current.CancellationToken);
    }

    private static MemorySourcePeak Source(TrialResult result, string prefix) =>
        Assert.Single(result.Details.MemorySources, s => s.Source.StartsWith(prefix, StringComparison.Ordinal));

    [Fact]
    public async Task CgroupV2ThroughExec_AndMetrics_GiveEachSourcesPeak_AndTheChargedPeak()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.CgroupVersion = 2;
        fake.MetricsServed = true;

        var result = await TrialAsync(fake, "-c 2 -z 1s");

        Assert.Equal(TrialOutcome.Survived, result.Outcome);
        var cgroup = Source(result, "cgroup v2 through exec");
        Assert.Equal("cgroup v2 through exec (memory.current, memory.peak, memory.stat, memory.events)", cgroup.Source);
        Assert.Equal(52 * 1024 * 1024, cgroup.PeakBytes);
        Assert.True(cgroup.Readings > 0);
        Assert.Null(cgroup.Note);
        // The kernel's figures feed the same summary the local runner reports: the peak, and anon from memory.stat.
        Assert.Equal(52 * 1024 * 1024, result.Memory.PeakChargedBytes);
        Assert.Equal(67633152, result.Memory.PeakAnonBytes);

        var metrics = Source(result, PodMetricsSampler.Source);
        Assert.Contains(metrics.PeakBytes!.Value, fake.WorkingSetsServed);
        Assert.True(metrics.PeakBytes >= fake.WorkingSetsServed[0], "the peak is below the first window's working set");
        Assert.Contains(result.Details.Samples, s => s.WorkingSetBytes is not null);
        Assert.Contains(result.Details.Samples, s => s.UsageBytes is not null && s.AnonBytes == 67633152);

        // The exec went to the trial's pod and container, with cat and the files.
        var exec = fake.Requests.First(r => r.Method == "EXEC");
        Assert.Equal("/api/v1/namespaces/default/pods/sales-5c4d2f8b9-x2k8q/exec", exec.Path);
        Assert.Contains("command=cat&command=%2Fsys%2Ffs%2Fcgroup%2Fmemory.current", exec.Query, StringComparison.Ordinal);
        Assert.Contains("container=sales-api", exec.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CgroupV1ThroughExec_ReadsMaxUsageInBytes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.CgroupVersion = 1;
        var recorded = long.Parse(await File.ReadAllTextAsync(
            Path.Combine(AppContext.BaseDirectory, "Cgroups", "Recorded", "v1-alive-64mib", "memory.max_usage_in_bytes"), ct), System.Globalization.CultureInfo.InvariantCulture);

        var result = await TrialAsync(fake, "-c 1 -z 1s");

        var cgroup = Source(result, "cgroup v1 through exec");
        Assert.Equal(recorded, cgroup.PeakBytes);
        Assert.Equal(recorded, result.Memory.PeakChargedBytes);
        Assert.Equal("metrics.k8s.io is not served by this cluster (no metrics-server)", Source(result, PodMetricsSampler.Source).Note);
    }

    [Fact]
    public async Task ExecForbidden_AndNoMetricsApi_TrialStillSurvives_WithNotes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.ForbidExec = true;

        var result = await TrialAsync(fake, "-c 2 -n 100");

        Assert.Equal(TrialOutcome.Survived, result.Outcome);
        var cgroup = Source(result, "cgroup");
        Assert.Null(cgroup.PeakBytes);
        Assert.Equal("exec refused (403): grant create on pods/exec to read the container's cgroup", cgroup.Note);
        var metrics = Source(result, PodMetricsSampler.Source);
        Assert.Null(metrics.PeakBytes);
        Assert.Equal("metrics.k8s.io is not served by this cluster (no metrics-server)", metrics.Note);
        Assert.Null(result.Memory.PeakChargedBytes);
        // Refused once, then left alone: no exec per tick against a Role that will not allow it.
        Assert.True(fake.Requests.Count(r => r.Path.EndsWith("/exec", StringComparison.Ordinal)) <= 2);
        Assert.Single(fake.Requests, r => r.Path.StartsWith("/apis/metrics.k8s.io", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoCgroupFilesInTheContainer_IsANote()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);

        var result = await TrialAsync(fake, "-c 1 -n 20");

        Assert.Equal(TrialOutcome.Survived, result.Outcome);
        Assert.Equal("no memory cgroup files in the container (cat: /sys/fs/cgroup/memory/memory.usage_in_bytes: No such file or directory)",
            Source(result, "cgroup").Note);
    }

    [Fact]
    public async Task ScratchImagePod_ExecFinds_NoCat_MemoryComesFromTheKubeletsSummary()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.ScratchImage = true;
        fake.SummaryServed = true;

        var result = await TrialAsync(fake, "-c 2 -z 1s", options: Fast(fake) with { SummaryInterval = TimeSpan.FromMilliseconds(50) });

        Assert.Equal(TrialOutcome.Survived, result.Outcome);
        // exec: runc's answer for an image without cat, given up on at once (it will never work in this image).
        var exec = Source(result, "cgroup");
        Assert.Null(exec.PeakBytes);
        Assert.StartsWith("no cat in the container's image (FROM scratch?): OCI runtime exec failed", exec.Note, StringComparison.Ordinal);
        Assert.Single(fake.Requests, r => r.Method == "EXEC");
        // The kubelet's figures for this pod's container (not kube-proxy's on the same node) are the trial's memory.
        var summary = Source(result, PodSummarySampler.Source);
        Assert.Null(summary.Note);
        Assert.True(summary.Readings > 1, $"{summary.Readings} readings");
        Assert.Equal(fake.SummaryUsagesServed.Max(), summary.PeakBytes);
        Assert.Equal(summary.PeakBytes, result.Memory.PeakChargedBytes);
        var read = result.Details.Samples.Where(s => s.UsageBytes is not null).ToArray();
        Assert.NotEmpty(read);
        Assert.All(read, s => Assert.Contains(s.UsageBytes!.Value, fake.SummaryUsagesServed));
        Assert.All(read, s => Assert.Equal(s.UsageBytes!.Value / 3 * 2, s.AnonBytes));
        Assert.Contains(fake.Requests, r => r.Path == "/api/v1/nodes/kind-control-plane/proxy/stats/summary");
    }

    [Fact]
    public async Task StuckExecs_AreCutOffByTheirTimeout_AndSamplingGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.CgroupVersion = 2;
        fake.ExecsThatHang = 2;

        var result = await TrialAsync(fake, "-c 2 -z 2s", options: Fast(fake) with { ExecTimeout = TimeSpan.FromMilliseconds(300) });

        Assert.Equal(TrialOutcome.Survived, result.Outcome);
        var cgroup = Source(result, "cgroup v2 through exec");
        Assert.True(cgroup.Readings > 0, "the failed first execs stopped the sampling");
        Assert.Equal(52 * 1024 * 1024, cgroup.PeakBytes);
        Assert.True(fake.Requests.Count(r => r.Method == "EXEC") > 3);
        // Which node, kernel, runtime and cgroup version the trial had (mixed node pools differ in them).
        Assert.EndsWith(", node kind-control-plane (kernel 6.8.0-1017-azure, containerd://1.7.18, cgroup v2)", result.Details.Runner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TinyLimit_RunsNoExec_TheKubeletsSummaryStillReads()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.CgroupVersion = 2;
        fake.SummaryServed = true;

        var result = await TrialAsync(fake, "-c 1 -n 20", "16Mi", Fast(fake) with { SummaryInterval = TimeSpan.FromMilliseconds(50) });

        Assert.DoesNotContain(fake.Requests, r => r.Method == "EXEC");
        Assert.StartsWith("exec skipped at a 16 MiB limit (below 32 MiB", Source(result, "cgroup through exec").Note, StringComparison.Ordinal);
        Assert.NotNull(Source(result, PodSummarySampler.Source).PeakBytes);
    }

    [Fact]
    public async Task Events_OfTheTrialsPod_AreInTheDetails()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);

        var result = await TrialAsync(fake, "-c 1 -n 20");

        Assert.Equal(["Scheduled", "Pulled", "Created", "Started"], result.Details.Events.Select(e => e.Reason));
        Assert.All(result.Details.Events, e => Assert.Equal("pod/sales-5c4d2f8b9-x2k8q", e.InvolvedObject));
        Assert.Equal("Normal Started pod/sales-5c4d2f8b9-x2k8q: Started container sales-api", result.Details.Events[3].ToString());
        var events = fake.Requests.Where(r => r.Path == "/api/v1/namespaces/default/events").Select(r => Uri.UnescapeDataString(r.Query)).ToArray();
        Assert.Equal(["?fieldSelector=involvedObject.kind=Pod,involvedObject.name=sales-5c4d2f8b9-x2k8q&watch=false",
            "?fieldSelector=involvedObject.kind=ReplicaSet,involvedObject.name=sales-5c4d2f8b9&watch=false"], events);
    }

    [Fact]
    public async Task EvictedPod_IsCrashed_WithTheEvictionAsEvidence()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.EvictAfterRequests = 20;

        var result = await TrialAsync(fake, "-c 2 -z 20s");

        Assert.Equal(TrialOutcome.Crashed, result.Outcome);
        Assert.StartsWith("pod sales-5c4d2f8b9-x2k8q: Evicted (The node was low on resource: memory. Threshold quantity: 100Mi", result.Evidence, StringComparison.Ordinal);
        Assert.EndsWith("; events: Evicted: The node was low on resource: memory. Threshold quantity: 100Mi, available: 87012Ki. Container sales-api was using 61440Ki, request is 0, has larger consumption of its request.",
            result.Evidence, StringComparison.Ordinal);
        Assert.Contains(result.Details.Events, e => e.Reason == "Evicted" && e.Type == "Warning");
        Assert.True(result.WallTime < TimeSpan.FromSeconds(15), $"the trial took {result.WallTime}");
    }

    [Fact]
    public async Task UnschedulablePod_EndsTheRolloutWaitAtOnce_IsStartFailed_WithTheSchedulersReason()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.Unschedulable = true;

        // PodScheduled=False with reason Unschedulable is what the scheduler writes (pkg/scheduler/schedule_one.go, handleSchedulingFailure).
        var result = await TrialAsync(fake, "-c 1 -n 5", "20Gi", Fast(fake) with { RolloutTimeout = TimeSpan.FromMinutes(2) });

        Assert.Equal(TrialOutcome.StartFailed, result.Outcome);
        Assert.Contains("pod sales-5c4d2f8b9-x2k8q Unschedulable: 0/1 nodes are available: 1 Insufficient memory.", result.Evidence, StringComparison.Ordinal);
        Assert.True(result.WallTime < TimeSpan.FromSeconds(30), $"the wait took {result.WallTime}, as if it waited for the timeout");
        Assert.EndsWith("; events: FailedScheduling x3: 0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
            result.Evidence, StringComparison.Ordinal);
        var scheduling = Assert.Single(result.Details.Events);
        Assert.Equal(3, scheduling.Count);
    }

    [Fact]
    public async Task OomKilledPod_KeepsItsEvidence_AndTheRestartsInTheEvents()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.OomOnStart = true;
        fake.CgroupVersion = 2;

        var result = await TrialAsync(fake, "-c 1 -n 5", "8Mi", Fast(fake) with { RolloutTimeout = TimeSpan.FromMilliseconds(300) });

        Assert.Equal(TrialOutcome.OomKilled, result.Outcome);
        Assert.DoesNotContain("events:", result.Evidence, StringComparison.Ordinal);
        Assert.Contains(result.Details.Events, e => e.Reason == "BackOff" && e.Count == 4);
    }
}
