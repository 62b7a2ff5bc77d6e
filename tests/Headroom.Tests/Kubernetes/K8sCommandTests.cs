using Headroom.Cli;
using Headroom.Runners.Kubernetes;

namespace Headroom.Tests.Kubernetes;

/// <summary>Tests that point KUBECONFIG at a server; they run one at a time since the variable is the process's.</summary>
[CollectionDefinition("kubeconfig", DisableParallelization = true)]
public class KubeconfigCollection;

/// <summary><c>headroom run --runner k8s</c> and <c>headroom k8s restore</c> through a kubeconfig that names the fake API server.</summary>
[Collection("kubeconfig")]
public class K8sCommandTests
{
    internal static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(FakeApiServer fake, params string[] args)
    {
        var folder = Directory.CreateTempSubdirectory("headroom-k8s-");
        var kubeconfig = Path.Combine(folder.FullName, "config");
        await fake.WriteKubeconfigAsync(kubeconfig, TestContext.Current.CancellationToken);
        var before = Environment.GetEnvironmentVariable("KUBECONFIG");
        Environment.SetEnvironmentVariable("KUBECONFIG", kubeconfig);
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var exit = await HeadroomApp.RunAsync(args[0] is "run" or "edge" or "matrix" ? [.. args, "--out", Path.Combine(folder.FullName, "out")] : args, stdout, stderr);
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", before);
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Run_OomKilledPod_Exit1_AndTheDeploymentIsRestored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.OomAfterRequests = 20;

        var (exit, stdout, stderr) = await RunAsync(fake, "run", "--runner", "k8s", "--deployment", "deployment/sales", "-c", "sales-api",
            "--limit", "18Mi", "--knobs", "go", "--url", fake.Url.ToString(),
            "--ready", "http://127.0.0.1:3000/app/ready", "--load", "-c 2 -z 20s http://127.0.0.1:3000/app/work");

        Assert.True(exit == 1, stderr);
        Assert.Contains("OOMKilled", stdout, StringComparison.Ordinal);
        Assert.Contains("restarts 0->1", stdout, StringComparison.Ordinal);
        var deployment = fake.Deployment;
        Assert.False(deployment["metadata"]!["annotations"]!.AsObject().ContainsKey("headroom.dev/original"));
        Assert.Equal("128Mi", deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!["limits"]!["memory"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_WithoutUrl_ForwardsThePodsPortThroughTheClient()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);

        var (exit, stdout, stderr) = await RunAsync(fake, "run", "--runner", "k8s", "--deployment", "deployment/sales", "-c", "sales-api",
            "--limit", "64Mi", "--ready", "http://127.0.0.1:3000/app/ready", "--load", "-c 2 -n 20 http://127.0.0.1:3000/app/work");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("port-forward 127.0.0.1:", stderr, StringComparison.Ordinal);
        Assert.Contains(fake.Requests, r => r.Method == "WEBSOCKET" && r.Query == "?ports=3000");
        Assert.Matches(@"Load went through the API server's port-forward: [\d,.]+ req/s achieved; traffic inside the cluster can come faster and make the service allocate more\.", stdout);
        Assert.False(fake.Deployment["metadata"]!["annotations"]!.AsObject().ContainsKey("headroom.dev/original"));
    }

    [Fact]
    public async Task Edge_RunnerK8s_FindsTheFakesEdge_AndRestoresAtTheEnd()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.OomAfterRequests = 5;
        fake.OomBelowLimit = 40 * 1024 * 1024;
        var spec = Path.Combine(Directory.CreateTempSubdirectory("headroom-k8s-spec-").FullName, "headroom.yaml");
        await File.WriteAllTextAsync(spec,
            "name: sales-k8s\ntarget:\n  image: sales-api:local\n  ready: http://127.0.0.1:3000/app/ready\nload: \"-c 2 -n 20 http://127.0.0.1:3000/app/work\"\n", ct);
        try
        {
            var (exit, stdout, stderr) = await RunAsync(fake, "edge", "-f", spec, "--runner", "k8s", "--deployment", "deployment/sales", "-c", "sales-api",
                "--url", fake.Url.ToString(), "--min", "16Mi", "--max", "64Mi", "--resolution", "8Mi", "--confirm", "1", "--baseline-runs", "1");

            Assert.True(exit == 0, stdout + stderr);
            Assert.Contains("survival edge 40Mi", stdout, StringComparison.Ordinal);
            var limits = fake.Patches.SkipLast(1).Select(p => p.Single(o => o!["path"]!.GetValue<string>().EndsWith("/resources", StringComparison.Ordinal))!["value"]!["limits"]!["memory"]?.GetValue<string>()).ToList();
            // The unlimited baseline first (no memory limit), then the survival search; the last patch is the restore.
            Assert.Equal([null, "64Mi", "48Mi", "16Mi", "32Mi", "40Mi"], limits.Take(6));
            // The fake's req/s and p99 are timing (a busy machine can make 40Mi look slow), so the healthy edge may
            // probe further, but only between the survival edge and the highest limit tried.
            Assert.All(limits.Skip(6), l => Assert.InRange(MemoryQuantity.Parse(l!, "limit").Bytes, 40L * 1024 * 1024 + 1, 64L * 1024 * 1024 - 1));
            Assert.False(fake.Deployment["metadata"]!["annotations"]!.AsObject().ContainsKey("headroom.dev/original"));
            Assert.Equal("128Mi", fake.Deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!["limits"]!["memory"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(spec)!, recursive: true);
        }
    }

    [Fact]
    public async Task Restore_AfterAKilledRun_ThenNothingToRestore()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        // What a killed run leaves: a trial's patch, no restore.
        var executor = new K8sTrialExecutor(fake.Connect(), new("sales", "sales-api"), null,
            fake.FastOptions() with { Hold = TimeSpan.Zero });
        await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi", "--limit"), KnobSet.None), null, ct);
        Assert.True(fake.Deployment["metadata"]!["annotations"]!.AsObject().ContainsKey("headroom.dev/original"));

        var first = await RunAsync(fake, "k8s", "restore", "deployment/sales");
        var second = await RunAsync(fake, "k8s", "restore", "deployment/sales");

        Assert.Equal((0, "restored deployment/sales"), (first.Exit, first.Stdout.Split(" in ")[0]));
        Assert.Equal(0, second.Exit);
        Assert.Contains("nothing to restore", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, fake.Patches.Count);
        Assert.Equal("128Mi", fake.Deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!["requests"]!["memory"]!.GetValue<string>());
    }

    private static string CopyRecordedStudy(string root)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Experiments", "RecordedStudies", "go-twin-scripted");
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(root, Path.GetFileName(file)));
        }
        return root;
    }

    [Fact]
    public async Task RecommendK8s_ShowsTheDiffAndThePatch_AndAppliesOnlyWithApply()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        var study = CopyRecordedStudy(Directory.CreateTempSubdirectory("headroom-k8s-study-").FullName);
        try
        {
            var shown = await RunAsync(fake, "recommend", "--from", study, "--margin", "0.5", "--k8s", "deployment/sales");

            Assert.True(shown.Exit == 0, shown.Stderr);
            Assert.Contains("-     memory: 128Mi\n+     memory: 21Mi\n", shown.Stdout, StringComparison.Ordinal);
            Assert.Contains("+ - name: GOMEMLIMIT", shown.Stdout, StringComparison.Ordinal);
            Assert.Contains("    cpu: 250m", shown.Stdout, StringComparison.Ordinal);
            Assert.Contains("kubectl -n default patch deployment sales --type json -p '[{\"op\":\"test\"", shown.Stdout, StringComparison.Ordinal);
            Assert.Empty(fake.Patches);

            var applied = await RunAsync(fake, "recommend", "--from", study, "--margin", "0.5", "--k8s", "deployment/sales", "--apply");

            Assert.True(applied.Exit == 0, applied.Stderr);
            Assert.True(applied.Stdout.IndexOf("+     memory: 21Mi", StringComparison.Ordinal) < applied.Stdout.IndexOf("applied to deployment/sales", StringComparison.Ordinal));
            var container = fake.Deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
            Assert.Equal("21Mi", container["resources"]!["limits"]!["memory"]!.GetValue<string>());
            Assert.Equal("21Mi", container["resources"]!["requests"]!["memory"]!.GetValue<string>());
            Assert.Equal("250m", container["resources"]!["limits"]!["cpu"]!.GetValue<string>());
            Assert.Contains(container["env"]!.AsArray(), e => e!["name"]!.GetValue<string>() == "SALES_DATA_DIR");
        }
        finally
        {
            Directory.Delete(study, recursive: true);
        }
    }
}
