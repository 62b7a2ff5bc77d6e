namespace Headroom.Tests.Kubernetes;

/// <summary><c>--parallel</c> on the command line: a matrix on clones through the fake API server, and bad input.</summary>
[Collection("kubeconfig")]
public class ParallelCommandTests
{
    [Fact]
    public async Task Matrix_Parallel2_RunsOnTwoClonesByPortForward_LeavesTheOriginalAndNoClone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        var folder = Directory.CreateTempSubdirectory("headroom-k8s-parallel-");
        var spec = Path.Combine(folder.FullName, "headroom.yaml");
        await File.WriteAllTextAsync(spec,
            "name: sales-k8s\ntarget:\n  image: sales-api:local\n  ready: http://127.0.0.1:3000/app/ready\nload: \"-c 2 -n 20 http://127.0.0.1:3000/app/work\"\n", ct);
        var original = fake.Deployment.ToJsonString();
        try
        {
            var (exit, stdout, stderr) = await K8sCommandTests.RunAsync(fake, "matrix", "-f", spec, "--runner", "k8s", "--deployment", "deployment/sales",
                "-c", "sales-api", "--limits", "32Mi", "64Mi", "--knobs", "none", "--repeats", "2", "--baseline-runs", "2", "--parallel", "2");

            Assert.True(exit == 0, stdout + stderr);
            Assert.Equal(["sales-headroom-1", "sales-headroom-2"], fake.Created.Select(d => d["metadata"]!["name"]!.GetValue<string>()));
            // 2 baseline runs and 4 matrix cells over two clones, each reached through its own port-forward.
            // The deployments' patches only: on a busy machine the run outlives a lease renewal (a PATCH every 20 s).
            var patches = fake.Requests.Where(r => r.Method == "PATCH" && r.Path.Contains("/deployments/", StringComparison.Ordinal)).ToList();
            Assert.Equal(6, patches.Count);
            Assert.All(patches, p => Assert.Contains("/deployments/sales-headroom-", p.Path, StringComparison.Ordinal));
            Assert.Equal(2, patches.Select(p => p.Path).Distinct().Count());
            var forwarded = fake.Requests.Where(r => r.Method == "WEBSOCKET").Select(r => r.Path.Split('/')[^2]).Distinct().ToList();
            Assert.Contains(forwarded, p => p.StartsWith("sales-headroom-1-", StringComparison.Ordinal));
            Assert.Contains(forwarded, p => p.StartsWith("sales-headroom-2-", StringComparison.Ordinal));
            Assert.Empty(fake.OtherDeployments);
            Assert.Equal(original, fake.Deployment.ToJsonString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Restore_DeletesTheClonesAKilledRunLeft()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        var original = k8s.KubernetesJson.Deserialize<k8s.Models.V1Deployment>(fake.Deployment.ToJsonString());
        foreach (var i in new[] { 1, 2 })
        {
            fake.AddDeployment(System.Text.Json.Nodes.JsonNode.Parse(k8s.KubernetesJson.Serialize(Headroom.Runners.Kubernetes.DeploymentClones.Build(original, i)))!.AsObject());
        }

        var (exit, stdout, stderr) = await K8sCommandTests.RunAsync(fake, "k8s", "restore", "deployment/sales");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("deleted 2 clones of deployment/sales: sales-headroom-1, sales-headroom-2", stdout, StringComparison.Ordinal);
        Assert.Empty(fake.OtherDeployments);
    }

    [Theory]
    [InlineData("--parallel must be from 1 to 32 (got 0)", "edge", "--parallel", "0")]
    [InlineData("--parallel 2 runs trials on clones of a Deployment and needs --runner k8s; the local runner runs one trial at a time", "edge", "--parallel", "2")]
    [InlineData("--parallel 3 runs trials on clones of a Deployment and needs --runner k8s; the docker runner runs one trial at a time", "study", "--runner", "docker", "--image", "x", "--parallel", "3")]
    [InlineData("--parallel reaches each clone through its own port-forward, and no Service routes to the clones: drop --url", "matrix", "--runner", "k8s", "--deployment", "deployment/sales", "-c", "sales-api", "--url", "http://127.0.0.1:3000", "--parallel", "2")]
    public async Task BadParallel_OneLine_Exit2(string message, params string[] args)
    {
        var (exit, stdout, stderr) = await CliRun.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Equal($"headroom: {message}", stderr.Trim());
        Assert.Empty(stdout);
    }
}
