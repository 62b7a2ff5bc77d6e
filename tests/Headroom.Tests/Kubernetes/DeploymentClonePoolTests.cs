using System.Text.Json.Nodes;
using Headroom.Runners.Kubernetes;
using k8s;
using k8s.Models;

namespace Headroom.Tests.Kubernetes;

/// <summary><c>--parallel</c> against the fake API server: clones made, trials spread over them, the original untouched, clones deleted.</summary>
public class DeploymentClonePoolTests
{
    private static DeploymentClonePool Pool(FakeApiServer fake, int clones, string load = "-c 2 -n 20") => new(
        fake.Connect(), new DeploymentTarget("sales", "sales-api"),
        [.. Enumerable.Range(0, clones).Select(_ => new CloneSlotSettings(HeyLoad.Parse($"{load} {fake.Url}app/work"), fake.FastOptions()))]);

    private static List<TrialRequest> Requests(params string[] limits) =>
        [.. limits.Select(l => new TrialRequest(MemoryQuantity.Parse(l, "--limit"), KnobPresets.Get("go")))];

    private static bool PatchesOriginal(FakeApiServer.RecordedRequest r) =>
        r.Method is "PATCH" or "DELETE" && r.Path == "/apis/apps/v1/namespaces/default/deployments/sales";

    [Fact]
    public async Task ThreeClones_MadeToServeNoService_TrialsSpreadOverThem_OriginalUntouched_DeletedAtTheEnd()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        var original = fake.Deployment.ToJsonString();
        IReadOnlyList<TrialResult> results;
        IReadOnlyList<int> perClone;
        await using (var pool = Pool(fake, 3))
        {
            Assert.Equal(3, TrialSlots.Of(pool));
            results = await TrialBatch.RunAsync(pool, Requests("24Mi", "32Mi", "40Mi", "48Mi", "56Mi", "64Mi"), null, ct);
            perClone = pool.TrialsPerClone;
            Assert.Equal(3, fake.OtherDeployments.Count);
        }

        Assert.All(results, r => Assert.Equal(TrialOutcome.Survived, r.Outcome));
        Assert.Equal(["24Mi", "32Mi", "40Mi", "48Mi", "56Mi", "64Mi"], results.Select(r => r.Request.Limit!.Value.ToString()));
        Assert.Equal([2, 2, 2], perClone);
        var created = fake.Created;
        Assert.Equal(["sales-headroom-1", "sales-headroom-2", "sales-headroom-3"], created.Select(d => d["metadata"]!["name"]!.GetValue<string>()));
        foreach (var clone in created)
        {
            var name = clone["metadata"]!["name"]!.GetValue<string>();
            Assert.Equal("sales", clone["metadata"]!["labels"]![DeploymentClones.CloneOfLabel]!.GetValue<string>());
            Assert.Equal("headroom", clone["metadata"]!["labels"]![DeploymentClones.ManagedByLabel]!.GetValue<string>());
            Assert.Equal(1, clone["spec"]!["replicas"]!.GetValue<int>());
            Assert.Equal(new JsonObject { [DeploymentClones.CloneLabel] = name }.ToJsonString(), clone["spec"]!["selector"]!["matchLabels"]!.ToJsonString());
            var podLabels = clone["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
            // The Service selects app=sales: a clone's pods must not carry it.
            Assert.False(podLabels.ContainsKey("app"));
            Assert.Equal(name, podLabels[DeploymentClones.CloneLabel]!.GetValue<string>());
            Assert.Equal("sales", podLabels[DeploymentClones.CloneOfLabel]!.GetValue<string>());
            var term = clone["spec"]!["template"]!["spec"]!["affinity"]!["podAntiAffinity"]!["preferredDuringSchedulingIgnoredDuringExecution"]![0]!;
            Assert.Equal("kubernetes.io/hostname", term["podAffinityTerm"]!["topologyKey"]!.GetValue<string>());
            Assert.Equal("sales", term["podAffinityTerm"]!["labelSelector"]!["matchLabels"]![DeploymentClones.CloneOfLabel]!.GetValue<string>());
            Assert.Equal("128Mi", clone["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!["limits"]!["memory"]!.GetValue<string>());
            // Each clone is patched per trial as the original is without --parallel, and its trials ran in its pods.
            Assert.Equal(2, fake.Requests.Count(r => r.Method == "PATCH" && r.Path.EndsWith($"/deployments/{name}", StringComparison.Ordinal)));
            Assert.Equal(2, results.Count(r => r.Details.Runner!.Contains($"deployment/{name} ", StringComparison.Ordinal)));
            Assert.Contains(fake.Requests, r => r.Method == "DELETE" && r.Path.EndsWith($"/deployments/{name}", StringComparison.Ordinal) && r.Query.Contains("propagationPolicy=Background", StringComparison.Ordinal));
        }
        Assert.Empty(fake.OtherDeployments);
        Assert.DoesNotContain(fake.Requests, PatchesOriginal);
        Assert.Equal(original, fake.Deployment.ToJsonString());
    }

    [Fact]
    public async Task CtrlC_DuringTheTrials_CancelsThemAll_AndDisposeDeletesEveryClone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        fake.CancelAtWork(10, cancellation);
        await using (var pool = Pool(fake, 2, "-c 1 -z 20s"))
        {
            var batch = TrialBatch.RunAsync(pool, Requests("32Mi", "48Mi", "64Mi"), null, cancellation.Token);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batch.WaitAsync(TimeSpan.FromSeconds(30), ct));
            Assert.Equal(2, fake.OtherDeployments.Count);
        }

        Assert.Empty(fake.OtherDeployments);
        Assert.Equal(2, fake.Requests.Count(r => r.Method == "DELETE" && r.Path.Contains("/deployments/", StringComparison.Ordinal)));
        Assert.DoesNotContain(fake.Requests, PatchesOriginal);
    }

    [Fact]
    public async Task ClonesAKilledRunLeft_AreSweptBeforeNewOnesAreMade_OtherDeploymentsAreNot()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        var original = KubernetesJson.Deserialize<V1Deployment>(fake.Deployment.ToJsonString());
        fake.AddDeployment(JsonNode.Parse(KubernetesJson.Serialize(DeploymentClones.Build(original, 2)))!.AsObject());
        fake.AddDeployment(new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "sales-canary", ["labels"] = new JsonObject { ["app"] = "sales" } },
            ["spec"] = new JsonObject { ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "sales-canary" } } },
        });
        await using (var pool = Pool(fake, 1))
        {
            await pool.RunAsync(Requests("64Mi")[0], null, ct);
            Assert.Equal(["sales-headroom-2"], pool.SweptStale);
            Assert.Equal(["sales-canary", "sales-headroom-1"], fake.OtherDeployments.Keys.Order());
        }

        Assert.Equal(["sales-canary"], fake.OtherDeployments.Keys);
    }

    [Fact]
    public void Clone_OfADeploymentAKilledRunLeftPatched_HasTheSavedContainer()
    {
        var deployment = KubernetesJson.Deserialize<V1Deployment>(FakeApiServer.Recorded("deployment.json").ToJsonString());
        var saved = SavedOriginal.From(FakeApiServer.Recorded("deployment.json"), "sales-api").ToJson();
        var container = deployment.Spec.Template.Spec.Containers[0];
        container.Resources.Limits["memory"] = new ResourceQuantity("18Mi");
        container.Env.Add(new V1EnvVar { Name = "GOGC", Value = "off" });
        deployment.Metadata.Annotations[SavedOriginal.Annotation] = saved;
        deployment.Spec.Template.Metadata.Annotations = new Dictionary<string, string> { [DeploymentPatches.TrialAnnotation] = "3-x", ["kept"] = "yes" };

        var clone = DeploymentClones.Build(deployment, 1);

        var cloned = clone.Spec.Template.Spec.Containers[0];
        Assert.Equal("128Mi", cloned.Resources.Limits["memory"].ToString());
        Assert.DoesNotContain(cloned.Env, e => e.Name == "GOGC");
        Assert.Equal(["kept"], clone.Spec.Template.Metadata.Annotations.Keys);
        Assert.Null(clone.Metadata.Annotations);
        // The original object is not changed by cloning it.
        Assert.Equal("18Mi", deployment.Spec.Template.Spec.Containers[0].Resources.Limits["memory"].ToString());
    }

    [Fact]
    public void Clone_OfADeploymentWithTooLongAName_IsRefusedInOneLine()
    {
        var deployment = KubernetesJson.Deserialize<V1Deployment>(FakeApiServer.Recorded("deployment.json").ToJsonString());
        deployment.Metadata.Name = new string('s', 55);

        var error = Assert.Throws<UserInputException>(() => DeploymentClones.Build(deployment, 1));

        Assert.Contains("too long a name for --parallel", error.Message, StringComparison.Ordinal);
    }
}
