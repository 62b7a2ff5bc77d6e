using System.Text.Json.Nodes;
using Headroom.Runners.Kubernetes;

namespace Headroom.Tests.Kubernetes;

/// <summary>The Kubernetes runner against the fake API server: what it patches, how it classifies, how it restores.</summary>
public class K8sTrialExecutorTests
{
    private static K8sTrialExecutor Executor(FakeApiServer fake, string load) => new(
        fake.Connect(), new DeploymentTarget("sales", "sales-api"), HeyLoad.Parse($"{load} {fake.Url}app/work"),
        fake.FastOptions());

    private static JsonObject Container(JsonObject deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();

    [Fact]
    public async Task Trial_PatchesLimitRequestAndGoEnv_SavesTheOriginal_AndSurvives()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        var original = Container(fake.Deployment).ToJsonString();
        TrialResult result;
        await using (var executor = Executor(fake, "-c 2 -n 40"))
        {
            result = await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi", "--limit"), KnobPresets.Get("go")), null, ct);
        }

        Assert.Equal(TrialOutcome.Survived, result.Outcome);
        Assert.Contains("restarts 0->0", result.Evidence, StringComparison.Ordinal);
        Assert.Equal(40, result.Load!.Succeeded);

        var trialPatch = fake.Patches[0];
        var resources = trialPatch.Single(o => o!["path"]!.GetValue<string>().EndsWith("/resources", StringComparison.Ordinal))!["value"]!;
        Assert.Equal("64Mi", resources["limits"]!["memory"]!.GetValue<string>());
        Assert.Equal("64Mi", resources["requests"]!["memory"]!.GetValue<string>());
        Assert.Equal("250m", resources["limits"]!["cpu"]!.GetValue<string>());
        var env = trialPatch.Single(o => o!["path"]!.GetValue<string>().EndsWith("/env", StringComparison.Ordinal))!["value"]!.AsArray();
        var gomemlimit = env.Single(e => e!["name"]!.GetValue<string>() == "GOMEMLIMIT")!;
        Assert.Null(gomemlimit["value"]);
        Assert.Equal("limits.memory", gomemlimit["valueFrom"]!["resourceFieldRef"]!["resource"]!.GetValue<string>());
        Assert.Equal("off", env.Single(e => e!["name"]!.GetValue<string>() == "GOGC")!["value"]!.GetValue<string>());
        Assert.Contains(env, e => e!["name"]!.GetValue<string>() == "SALES_DATA_DIR");
        var saved = trialPatch.Single(o => o!["path"]!.GetValue<string>() == "/metadata/annotations/headroom.dev~1original")!["value"]!.GetValue<string>();
        Assert.Equal("128Mi", JsonNode.Parse(saved)!["resources"]!["limits"]!["memory"]!.GetValue<string>());

        // Disposing restored the container as it was and removed Headroom's annotations.
        Assert.Equal(2, fake.Patches.Count);
        var after = fake.Deployment;
        Assert.Equal(original, Container(after).ToJsonString());
        Assert.False(after["metadata"]!["annotations"]!.AsObject().ContainsKey(SavedOriginal.Annotation));
        // The template had no annotations before the run: the restore leaves none (not an empty map).
        Assert.Null(after["spec"]!["template"]!["metadata"]!["annotations"]);
    }

    [Fact]
    public async Task PodOomKilledDuringTheLoad_IsOomKilled_WithThePodsEvidence()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.OomAfterRequests = 30;
        await using var executor = Executor(fake, "-c 2 -z 20s");

        var result = await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("18Mi", "--limit"), KnobSet.None), null, ct);

        Assert.Equal(TrialOutcome.OomKilled, result.Outcome);
        Assert.Equal("pod sales-5c4d2f8b9-x2k8q: OOMKilled, exit 137, restarts 0->1", result.Evidence);
        Assert.Equal(1, result.RestartCount);
        Assert.Equal("OOMKilled", result.Details.LastState!.Reason);
        Assert.Equal(137, result.Details.LastState.ExitCode);
        // The watch ended the load long before its 20 s.
        Assert.True(result.WallTime < TimeSpan.FromSeconds(15), $"the trial took {result.WallTime}");
    }

    [Fact]
    public async Task SecondTrial_KeepsTheFirstOriginal_AndLiteralDotnetValues()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        await using (var executor = Executor(fake, "-c 1 -n 5"))
        {
            await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi", "--limit"), KnobSet.None), null, ct);
            await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("32Mi", "--limit"), KnobPresets.Get("dotnet")), null, ct);
        }

        var second = fake.Patches[1];
        Assert.DoesNotContain(second, o => o!["path"]!.GetValue<string>().StartsWith("/metadata/annotations", StringComparison.Ordinal));
        var env = second.Single(o => o!["path"]!.GetValue<string>().EndsWith("/env", StringComparison.Ordinal))!["value"]!.AsArray();
        Assert.Equal("2000000", env.Single(e => e!["name"]!.GetValue<string>() == "DOTNET_GCHeapHardLimit")!["value"]!.GetValue<string>());
        var restored = Container(fake.Deployment);
        Assert.Equal("128Mi", restored["resources"]!["limits"]!["memory"]!.GetValue<string>());
        Assert.Equal(2, restored["env"]!.AsArray().Count);
    }

    [Fact]
    public async Task Restore_IsIdempotent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        await using var executor = Executor(fake, "-c 1 -n 5");
        Assert.False(await executor.RestoreAsync(ct));
        Assert.Empty(fake.Patches);

        await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi", "--limit"), KnobPresets.Get("go")), null, ct);
        Assert.True(await executor.RestoreAsync(ct));
        Assert.False(await executor.RestoreAsync(ct));

        Assert.Equal(2, fake.Patches.Count);
        var restore = fake.Patches[1];
        Assert.Contains(restore, o => o!["op"]!.GetValue<string>() == "remove" && o["path"]!.GetValue<string>() == "/metadata/annotations/headroom.dev~1original");
        Assert.Equal("128Mi", Container(fake.Deployment)["resources"]!["requests"]!["memory"]!.GetValue<string>());
    }

    [Fact]
    public async Task CancelMidTrial_SendsTheRestorePatch()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(ct);
        fake.CancelAtWork(10, ctrlC);
        await using var executor = Executor(fake, "-c 2 -z 20s");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi", "--limit"), KnobPresets.Get("go")), null, ctrlC.Token));

        Assert.Equal(2, fake.Patches.Count);
        Assert.Contains(fake.Patches[1], o => o!["path"]!.GetValue<string>() == "/metadata/annotations/headroom.dev~1original");
        Assert.Equal("128Mi", Container(fake.Deployment)["resources"]!["limits"]!["memory"]!.GetValue<string>());
        Assert.DoesNotContain(Container(fake.Deployment)["env"]!.AsArray(), e => e!["name"]!.GetValue<string>() == "GOMEMLIMIT");
    }

    [Fact]
    public async Task MissingContainer_IsOneLineUserError()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        await using var executor = new K8sTrialExecutor(fake.Connect(), new DeploymentTarget("sales", "api"), null, fake.FastOptions());

        var error = await Assert.ThrowsAsync<UserInputException>(() =>
            executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi", "--limit"), KnobSet.None), null, ct));

        Assert.Equal("deployment/sales has no container 'api'; its containers: sales-api", error.Message);
        Assert.Empty(fake.Patches);
    }

    [Fact]
    public async Task PodOomKilledWhileStarting_RolloutNeverDone_IsOomKilled_AndRestored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.OomOnStart = true;
        TrialResult result;
        await using (var executor = new K8sTrialExecutor(fake.Connect(), new DeploymentTarget("sales", "sales-api"), null,
            fake.FastOptions() with { RolloutTimeout = TimeSpan.FromMilliseconds(500) }))
        {
            result = await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("8Mi", "--limit"), KnobSet.None), null, ct);
        }

        Assert.Equal(TrialOutcome.OomKilled, result.Outcome);
        Assert.StartsWith("pod sales-5c4d2f8b9-x2k8q: OOMKilled, exit 137, restarts 0->1", result.Evidence, StringComparison.Ordinal);
        Assert.Null(result.Load);
        Assert.Equal(2, fake.Patches.Count);
        Assert.Equal("128Mi", Container(fake.Deployment)["resources"]!["limits"]!["memory"]!.GetValue<string>());
    }

    [Fact]
    public async Task PortForward_CarriesTheLoadToTheTrialsPod()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        var local = Support.FreePort.Next();
        TrialResult result;
        await using (var executor = new K8sTrialExecutor(fake.Connect(), new DeploymentTarget("sales", "sales-api"),
            HeyLoad.Parse($"-c 2 -n 30 http://127.0.0.1:{local}/app/work"),
            fake.FastOptions() with { ReadyUrl = new Uri($"http://127.0.0.1:{local}/app/ready"), PortForwards = [(local, 3000)] }))
        {
            result = await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi", "--limit"), KnobSet.None), null, ct);
        }

        Assert.True(result.Outcome == TrialOutcome.Survived, result.Evidence);
        Assert.Equal(30, result.Load!.Succeeded);
        var forwards = fake.Requests.Where(r => r.Method == "WEBSOCKET").ToList();
        Assert.NotEmpty(forwards);
        Assert.All(forwards, r => Assert.Equal(("/api/v1/namespaces/default/pods/sales-5c4d2f8b9-x2k8q/portforward", "?ports=3000"), (r.Path, r.Query)));
    }

    [Fact]
    public async Task PortForwardTheKubeletCannotDial_IsStartFailed_WithTheKubeletsReason()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.PortForwardRefused = true;
        var local = Support.FreePort.Next();
        TrialResult result;
        await using (var executor = new K8sTrialExecutor(fake.Connect(), new DeploymentTarget("sales", "sales-api"),
            HeyLoad.Parse($"-c 2 -n 30 http://127.0.0.1:{local}/app/work"),
            fake.FastOptions() with { ReadyUrl = new Uri($"http://127.0.0.1:{local}/app/ready"), PortForwards = [(local, 3000)], ReadyTimeout = TimeSpan.FromSeconds(2) }))
        {
            result = await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi", "--limit"), KnobSet.None), null, ct);
        }

        Assert.Equal(TrialOutcome.StartFailed, result.Outcome);
        Assert.Contains("(port-forward: the kubelet said: error forwarding port 3000 to pod", result.Evidence, StringComparison.Ordinal);
        Assert.Contains("connection refused", result.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PatchForbidden_IsOneLineUserError_NamingTheRole()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.ForbidPatch = true;
        await using var executor = Executor(fake, "-c 1 -n 5");

        var error = await Assert.ThrowsAsync<UserInputException>(() =>
            executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi", "--limit"), KnobSet.None), null, ct));

        Assert.Contains("refused PATCH /apis/apps/v1/namespaces/default/deployments/sales (403); grant the Role in deploy/k8s/rbac", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
