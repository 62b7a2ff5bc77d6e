using Headroom.Runners.Docker;

namespace Headroom.Tests.Docker;

/// <summary>
/// Real containers under real limits on a real Docker Engine: the same allocators as the local runner's tests,
/// run from the busybox image with the host's libraries and .NET bind-mounted read-only.
/// </summary>
[Collection(DockerEngineCollection.Name)]
public class DockerRunnerTests(DockerEngineFixture engine)
{
    private static readonly DockerRunnerOptions s_options = new() { Hold = TimeSpan.FromSeconds(1.5), StopGrace = TimeSpan.FromSeconds(1) };

    private async Task<TrialResult> RunAsync(ContainerTarget target, string limit, int restarts = 0, DockerRunnerOptions? options = null, KnobSet? knobs = null, ITrialLoad? load = null)
    {
        using var executor = new DockerTrialExecutor(target, load, (options ?? s_options) with { Endpoint = engine.Endpoint });
        var request = new TrialRequest(MemoryQuantity.Parse(limit), knobs ?? KnobSet.None) { Restarts = restarts };
        var result = await executor.RunAsync(request, null, TestContext.Current.CancellationToken);
        Assert.Empty(await engine.OwnContainersAsync());
        return result;
    }

    /// <summary>The C allocator after a short start-up, as PID 1 (<c>exec</c>), so a kill of it ends the container.</summary>
    private async Task<ContainerTarget> AllocAsync(int mebibytes, int holdSeconds)
    {
        engine.Require();
        var alloc = await TestPrograms.AllocAsync();
        return new ContainerTarget(engine.BusyboxImage)
        {
            Command = ["sh", "-c", $"sleep 0.5; exec /app/alloc {mebibytes} {holdSeconds}"],
            Binds = [.. LocalImage.HostDotnetBinds(), $"{Path.GetDirectoryName(alloc)}:/app:ro"],
        };
    }

    [Fact]
    public async Task Alloc64MiB_Under32Mi_IsOomKilledWithTheKernelCounterAsEvidence()
    {
        var result = await RunAsync(await AllocAsync(64, 10), "32Mi");
        Assert.Equal(TrialOutcome.OomKilled, result.Outcome);
        Assert.StartsWith("oom_kill 0->1, exit 137 (SIGKILL), engine: OOMKilled=", result.Evidence, StringComparison.Ordinal);
        Assert.Equal(("OOMKilled", 137), (result.Details.Terminated!.Reason, result.Details.Terminated.ExitCode));
        Assert.Contains("memory from cgroup v", result.Details.Runner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alloc64MiB_Under128Mi_SurvivesWithPeakWithinTenPercent()
    {
        var result = await RunAsync(await AllocAsync(64, 10), "128Mi");
        Assert.Equal(TrialOutcome.Survived, result.Outcome);
        const long need = 64L << 20;
        Assert.InRange(result.Memory.PeakAnonBytes!.Value, need, (long)(need * 1.1));
        Assert.Contains(result.Details.Samples, s => s.VmRssBytes >= need);
        Assert.Contains("allocated 64 MiB", result.Details.OutputTail);
        Assert.Null(result.Details.Terminated);
    }

    [Fact]
    public async Task EngineStatsApi_WhenCgroupFilesAreOff_StillSamplesTheContainer()
    {
        var result = await RunAsync(await AllocAsync(48, 10), "128Mi", options: s_options with { CgroupFiles = false, Hold = TimeSpan.FromSeconds(3) });
        Assert.Equal(TrialOutcome.Survived, result.Outcome);
        Assert.Contains("memory from the engine's stats API", result.Details.Runner, StringComparison.Ordinal);
        Assert.InRange(result.Memory.PeakAnonBytes!.Value, 48L << 20, (long)((48L << 20) * 1.1));
    }

    [Fact]
    public async Task DotnetDefaultHeapLimit_Under100Mi_IsRuntimeOom_NotAKernelKill()
    {
        engine.Require();
        var dll = TestPrograms.DotnetAlloc();
        var target = new ContainerTarget(engine.BusyboxImage)
        {
            Command = ["/usr/share/dotnet/dotnet", "/app/DotnetAlloc.dll", "200", "10"],
            Binds = [.. LocalImage.HostDotnetBinds(), $"{Path.GetDirectoryName(dll)}:/app:ro"],
        };
        // .NET's default heap hard limit is 75 % of the container's limit, so it gives up before the kernel acts.
        var result = await RunAsync(target, "100Mi");
        Assert.Equal(TrialOutcome.RuntimeOom, result.Outcome);
        Assert.True(result.Details.Terminated!.ExitCode is 134 or 139, $"exit {result.Details.Terminated.ExitCode}");
        Assert.Contains(".NET: \"Out of memory.\"", result.Evidence, StringComparison.Ordinal);
        Assert.Contains("engine: OOMKilled=false", result.Evidence, StringComparison.Ordinal);
        Assert.True(result.Details.ColdStart, result.Details.Eviction);
    }

    [Fact]
    public async Task OomKilledContainer_IsStartedAgainAndCounted_LikeAKubelet()
    {
        var result = await RunAsync(await AllocAsync(64, 10), "32Mi", restarts: 2);
        Assert.Equal(TrialOutcome.OomKilled, result.Outcome);
        Assert.Equal(2, result.RestartCount);
        Assert.Equal(("OOMKilled", 137), (result.Details.LastState!.Reason, result.Details.LastState.ExitCode));
    }

    [Fact]
    public async Task Container_SeesItsLimitWithoutSwap_AndTheKnobEnvironment_AndAnswersOnItsPublishedPort()
    {
        engine.Require();
        var ports = ContainerPorts.FreeHostPorts([8080]);
        var target = new ContainerTarget(engine.BusyboxImage)
        {
            Command = ["sh", "-c",
                "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes; " +
                "echo GOMEMLIMIT=$GOMEMLIMIT GOGC=$GOGC; exec httpd -f -p 8080 -h /etc"],
            Ports = ports,
            ReadyUrl = ContainerPorts.ToHost(new Uri("http://127.0.0.1:8080/passwd"), ports),
        };
        var result = await RunAsync(target, "64Mi", knobs: KnobPresets.Get("go"));
        Assert.Equal(TrialOutcome.Survived, result.Outcome);
        Assert.Equal(2, result.Details.OutputTail.Count(l => l == "67108864"));
        Assert.Contains("GOMEMLIMIT=67108864 GOGC=off", result.Details.OutputTail);
        Assert.Equal("67108864", result.Details.KnobEnvironment["GOMEMLIMIT"]);
    }

    [Fact]
    public async Task Httpd_UnderLoadOnItsPublishedPort_ServesEveryRequest()
    {
        engine.Require();
        var ports = ContainerPorts.FreeHostPorts([8080]);
        var passwd = ContainerPorts.ToHost(new Uri("http://127.0.0.1:8080/passwd"), ports);
        var target = new ContainerTarget(engine.BusyboxImage)
        {
            Command = ["httpd", "-f", "-p", "8080", "-h", "/etc"],
            Ports = ports,
            ReadyUrl = passwd,
        };
        var result = await RunAsync(target, "32Mi", load: HeyLoad.Parse($"-c 4 -n 200 {passwd}"));
        Assert.Equal(TrialOutcome.Survived, result.Outcome);
        Assert.Equal((200L, 200L), (result.Load!.Requests, result.Load.Succeeded));
        Assert.Contains(result.Details.Samples, s => s.Phase == "load" && s.UsageBytes > 0);
    }
}
