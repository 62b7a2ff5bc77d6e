using Headroom.Memory;

namespace Headroom.Tests.Runners;

/// <summary>Real processes under real kernel limits: the allocators' outcomes and what the samplers saw.</summary>
[Collection(RealCgroupsCollection.Name)]
public class LocalRunnerTests
{
    private static readonly LocalRunnerOptions s_options = new() { Hold = TimeSpan.FromSeconds(1.5), StopGrace = TimeSpan.FromSeconds(1) };

    private static async Task<TrialResult> RunAsync(TargetLaunch launch, string limit, int restarts = 0, LocalRunnerOptions? options = null)
    {
        var cgroups = CgroupRequirement.Writable();
        var executor = new LocalTrialExecutor(new CommandTarget(launch), load: null, options ?? s_options);
        var result = await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse(limit), KnobSet.None) { Restarts = restarts }, null, TestContext.Current.CancellationToken);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
        return result;
    }

    [Fact]
    public async Task Alloc64MiB_Under32Mi_IsOomKilledWithTheKernelCounterAsEvidence()
    {
        var alloc = await TestPrograms.AllocAsync();
        var result = await RunAsync(new TargetLaunch([alloc, "64", "10"]), "32Mi");
        Assert.Equal(TrialOutcome.OomKilled, result.Outcome);
        Assert.Equal("oom_kill 0->1, exit 137 (SIGKILL)", result.Evidence);
        Assert.Equal(new TerminationState("OOMKilled", 137, result.Details.Terminated!.At, result.Evidence), result.Details.Terminated);
        Assert.StartsWith("cgroup v", result.Details.Runner, StringComparison.Ordinal);
        Assert.True(result.Details.ColdStart);
    }

    [Fact]
    public async Task Alloc64MiB_Under128Mi_SurvivesWithPeakWithinTenPercent()
    {
        var alloc = await TestPrograms.AllocAsync();
        var result = await RunAsync(new TargetLaunch([alloc, "64", "10"]), "128Mi");
        Assert.Equal(TrialOutcome.Survived, result.Outcome);
        const long need = 64L << 20;
        Assert.InRange(result.Memory.PeakChargedBytes!.Value, need, (long)(need * 1.1));
        Assert.InRange(result.Memory.PeakAnonBytes!.Value, need, (long)(need * 1.1));
        var samples = result.Details.Samples;
        Assert.True(samples.Count >= 10, $"{samples.Count} samples in 1.5 s at 100 ms");
        Assert.Contains(samples, s => s.VmRssBytes >= need);
        Assert.All(samples, s => Assert.Equal(0, s.OomKills));
    }

    [Fact]
    public async Task Samples_RoundTripThroughJsonLines()
    {
        var alloc = await TestPrograms.AllocAsync();
        var result = await RunAsync(new TargetLaunch([alloc, "16", "10"]), "64Mi");
        var folder = Directory.CreateTempSubdirectory("headroom-trial-").FullName;
        try
        {
            await TrialFiles.SaveAsync(folder, result, TestContext.Current.CancellationToken);
            var read = await SampleSeries.ReadAsync(Path.Combine(folder, TrialFiles.SamplesFile), TestContext.Current.CancellationToken);
            Assert.Equal(result.Details.Samples, read);
            var json = await File.ReadAllTextAsync(Path.Combine(folder, TrialFiles.ResultFile), TestContext.Current.CancellationToken);
            Assert.Contains("\"outcome\": \"survived\"", json, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task DotnetOutOfMemoryException_IsRuntimeOom_NotAKernelKill()
    {
        // The heap hard limit (32 MiB, hex) is far below the cgroup limit, so .NET gives up before the kernel acts.
        var launch = new TargetLaunch(["dotnet", TestPrograms.DotnetAlloc(), "64", "10"])
        {
            Environment = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "2000000" },
        };
        var result = await RunAsync(launch, "512Mi", options: s_options with { Hold = TimeSpan.FromSeconds(20) });
        Assert.Equal(TrialOutcome.RuntimeOom, result.Outcome);
        Assert.Contains(".NET", result.Evidence, StringComparison.Ordinal);
        Assert.Contains("oom_kill 0->0 (no kernel kill)", result.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoRuntimeOutOfMemory_IsRuntimeOom_NotAKernelKill()
    {
        var goOom = await TestPrograms.GoOomAsync();
        var result = await RunAsync(new TargetLaunch([goOom, "runtime-oom"]), "512Mi", options: s_options with { Hold = TimeSpan.FromSeconds(20) });
        Assert.Equal(TrialOutcome.RuntimeOom, result.Outcome);
        Assert.StartsWith("exit 2, Go: \"runtime: out of memory", result.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restarts_TargetThatOomsEveryTime_ReportsTheRestartCountAndLastState()
    {
        var alloc = await TestPrograms.AllocAsync();
        var result = await RunAsync(new TargetLaunch([alloc, "64", "10"]), "32Mi", restarts: 3);
        Assert.Equal(TrialOutcome.OomKilled, result.Outcome);
        Assert.Equal(3, result.RestartCount);
        Assert.Equal("OOMKilled", result.Details.LastState?.Reason);
        Assert.Equal(137, result.Details.LastState?.ExitCode);
        // The cgroup is the same across restarts, as a container's: its counter counts every kill.
        Assert.Equal(4, result.Details.Samples.Max(s => s.OomKills));
    }

    [Fact]
    public async Task Restarts_ServerThatOomsOnEveryLoad_ReportsRestartCountLikeAKubelet()
    {
        var cgroups = CgroupRequirement.Writable();
        var goOom = await TestPrograms.GoOomAsync();
        var port = PortCheck.FreePort();
        // Every request allocates and keeps 64 MiB: under 48Mi the first one gets the server OOM-killed.
        var launch = new TargetLaunch([goOom, "serve", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "64"])
        {
            ReadyUrl = new Uri($"http://127.0.0.1:{port}/ready"),
        };
        var load = HeyLoad.Parse($"-c 1 -n 5 http://127.0.0.1:{port}/");
        // What is under test is the restart count, so thrashing and liveness are not watched for: on a CPU-starved
        // machine (CI) the server can page for seconds while it fills the limit, and the trial would end as thrashing
        // or unresponsive before the kill.
        var executor = new LocalTrialExecutor(new CommandTarget(launch), load, s_options with
        {
            ReadyTimeout = TimeSpan.FromSeconds(30),
            Thrashing = new ThrashingSettings { MajorFaults = 1_000_000_000 },
            Liveness = new Headroom.Runners.Trial.LivenessSettings { Off = true },
        });
        var result = await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("48Mi"), KnobSet.None) { Restarts = 2 }, null, TestContext.Current.CancellationToken);
        Assert.Equal(TrialOutcome.OomKilled, result.Outcome);
        Assert.Equal(2, result.RestartCount);
        Assert.Equal("OOMKilled", result.Details.LastState?.Reason);
        Assert.Equal("OOMKilled", result.Details.Terminated?.Reason);
        Assert.NotNull(result.Load);
        Assert.True(result.Load.Errors > 0, "the load against the killed server saw errors");
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
    }

    [Fact]
    public async Task Thrashing_TargetThatIgnoresSigterm_IsKilledAtOnce_NotAfterTheGracePeriod()
    {
        // Thresholds of zero make any limited run "thrashing" after two windows, so the test needs no real thrashing;
        // the target ignores SIGTERM, as a process busy faulting its own code back in effectively does.
        var options = s_options with
        {
            Hold = TimeSpan.FromSeconds(20),
            StopGrace = TimeSpan.FromSeconds(10),
            Thrashing = new ThrashingSettings { Window = TimeSpan.FromMilliseconds(300), MajorFaults = 0, NearLimit = 0 },
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await RunAsync(new TargetLaunch(["/bin/sh", "-c", "trap '' TERM; sleep 30"]), "64Mi", options: options);

        Assert.Equal(TrialOutcome.Thrashing, result.Outcome);
        Assert.True(clock.Elapsed < options.StopGrace, $"the trial took {clock.Elapsed.TotalSeconds:0.0} s; the grace period is {options.StopGrace.TotalSeconds:0} s");
    }
}
