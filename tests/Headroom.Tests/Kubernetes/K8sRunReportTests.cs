namespace Headroom.Tests.Kubernetes;

/// <summary>What <c>headroom run --runner k8s</c> prints of the pod's memory sources and events.</summary>
[Collection("kubeconfig")]
public class K8sRunReportTests
{
    [Fact]
    public async Task Run_PrintsEachMemorySourcesPeak_AndThePodsEvents()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.CgroupVersion = 2;
        fake.MetricsServed = true;

        var (exit, stdout, stderr) = await K8sCommandTests.RunAsync(fake, "run", "--runner", "k8s", "--deployment", "deployment/sales", "-c", "sales-api",
            "--limit", "64Mi", "--knobs", "go", "--url", fake.Url.ToString(),
            "--ready", "http://127.0.0.1:3000/app/ready", "--load", "-c 2 -z 3s http://127.0.0.1:3000/app/work");

        Assert.True(exit == 0, stderr + stdout);
        Assert.Contains("  peak from cgroup v2 through exec (memory.current, memory.peak, memory.stat, memory.events): 52.0 MiB (", stdout, StringComparison.Ordinal);
        Assert.Matches(@"  peak from metrics\.k8s\.io working set: \d+\.\d MiB \(\d+ readings\)", stdout);
        Assert.Contains("Peak charged 52.0 MiB", stdout, StringComparison.Ordinal);
        Assert.Contains("Events:\n  Normal Scheduled pod/sales-5c4d2f8b9-x2k8q: Successfully assigned default/", stdout.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownContext_IsOneLine_Exit2()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);

        var (exit, _, stderr) = await K8sCommandTests.RunAsync(fake, "run", "--runner", "k8s", "--deployment", "deployment/sales", "-c", "sales-api",
            "--context", "prod", "--limit", "64Mi", "--url", fake.Url.ToString(), "--ready", "http://127.0.0.1:3000/app/ready");

        Assert.Equal(2, exit);
        Assert.Matches(@"^headroom: --context 'prod' is not in the kubeconfig \S+; its contexts: fake\n?$", stderr.Replace("\r", "", StringComparison.Ordinal));
    }
}
