using System.Text.Json.Nodes;
using Headroom.Runners.Kubernetes;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// What a run saves of the Deployment before its first patch, and how exactly the restore puts it back: every container
/// and init container, and fields the client library's models do not know. The fake applies JSON patches to the
/// Deployment's stored JSON as the API server does (RFC 6902 on the object; apiserver's patch handler,
/// staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go, jsonPatcher), so a field survives exactly when the
/// patches Headroom sends leave it alone.
/// </summary>
public class K8sSavedOriginalTests
{
    private static K8sTrialExecutor Executor(FakeApiServer fake) => new(
        fake.Connect(), new DeploymentTarget("sales", "sales-api"), HeyLoad.Parse($"-c 1 -n 5 {fake.Url}app/work"), fake.FastOptions());

    private static JsonObject PodSpec(JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!.AsObject();

    private static JsonObject App(JsonObject deployment) =>
        PodSpec(deployment)["containers"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "sales-api")!.AsObject();

    [Fact]
    public async Task SidecarAndInitContainer_AreSaved_AndEveryContainerIsRestoredExactly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.Edit(d =>
        {
            var spec = PodSpec(d);
            // The app has no resources of its own (a namespace without a LimitRange): the restore must take the
            // trial's out again, not leave "resources": {}. A log-shipping sidecar goes first, so the app is index 1.
            spec["containers"]![0]!.AsObject().Remove("resources");
            spec["containers"]!.AsArray().Insert(0, JsonNode.Parse("""
                { "name": "log-shipper", "image": "fluent-bit:3.1",
                  "env": [ { "name": "GOMEMLIMIT", "value": "20MiB" }, { "name": "FLB_LOG_LEVEL", "value": "warn" } ],
                  "resources": { "limits": { "memory": "32Mi" }, "requests": { "cpu": "10m", "memory": "32Mi" } } }
                """));
            spec["initContainers"] = JsonNode.Parse("""
                [ { "name": "migrate", "image": "sales-api:local", "command": ["/migrate"],
                    "resources": { "limits": { "memory": "256Mi" }, "requests": { "memory": "256Mi" } } } ]
                """);
        });
        var before = PodSpec(fake.Deployment).ToJsonString();
        await using (var executor = Executor(fake))
        {
            await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi", "--limit"), KnobPresets.Get("go")), null, ct);
            var patched = fake.Deployment;
            Assert.Equal("64Mi", App(patched)["resources"]!["limits"]!["memory"]!.GetValue<string>());
            // Only the app was patched: the sidecar's own GOMEMLIMIT and limit are its own.
            Assert.Equal(JsonNode.Parse(before)!["containers"]![0]!.ToJsonString(), PodSpec(patched)["containers"]![0]!.ToJsonString());
            var saved = SavedOriginal.Read(patched)!;
            Assert.Equal(["initContainers/migrate", "containers/log-shipper", "containers/sales-api"], saved.Containers.Select(c => $"{c.List}/{c.Name}"));
            Assert.Equal("256Mi", saved.Containers[0].Resources!["limits"]!["memory"]!.GetValue<string>());
            Assert.Null(saved.Target!.Resources);

            await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("48Mi", "--limit"), KnobSet.None), null, ct);
        }

        Assert.Equal(before, PodSpec(fake.Deployment).ToJsonString());
        Assert.False(App(fake.Deployment).ContainsKey("resources"));
        Assert.False(fake.Deployment["metadata"]!["annotations"]!.AsObject().ContainsKey(SavedOriginal.Annotation));
    }

    [Fact]
    public async Task FieldsTheClientDoesNotKnow_InThePodSpecContainerResourcesAndEnv_SurviveATrialAndTheRestore()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        // Fields of an API newer than the client library (names no Kubernetes version has, so no model knows them).
        fake.Edit(d =>
        {
            PodSpec(d)["futurePodField"] = new JsonObject { ["mode"] = "strict" };
            var app = App(d);
            app["futureContainerField"] = true;
            app["resources"]!["futureResourcesField"] = new JsonArray("shared-gpu");
            app["env"]![1]!["futureEnvField"] = "kept";
        });
        var before = PodSpec(fake.Deployment).ToJsonString();
        await using (var executor = Executor(fake))
        {
            await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi", "--limit"), KnobPresets.Get("go")), null, ct);

            var patched = fake.Deployment;
            Assert.Equal("strict", PodSpec(patched)["futurePodField"]!["mode"]!.GetValue<string>());
            Assert.True(App(patched)["futureContainerField"]!.GetValue<bool>());
            Assert.Equal("64Mi", App(patched)["resources"]!["limits"]!["memory"]!.GetValue<string>());
            Assert.Equal("shared-gpu", App(patched)["resources"]!["futureResourcesField"]![0]!.GetValue<string>());
            Assert.Equal("kept", App(patched)["env"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == "SALES_DATA_DIR")!["futureEnvField"]!.GetValue<string>());
            Assert.Equal("shared-gpu", SavedOriginal.Read(patched)!.Target!.Resources!["futureResourcesField"]![0]!.GetValue<string>());
        }

        Assert.Equal(before, PodSpec(fake.Deployment).ToJsonString());
    }
}
