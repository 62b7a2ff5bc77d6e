using System.Text.Json.Nodes;
using Headroom.Runners.Kubernetes;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// The runner against a fake API server that behaves as a real cluster does in each case (the upstream code each
/// behaviour is taken from is named on the fake's property): a pod that cannot start, a quota, a warm-up OOM kill,
/// admission that changes the pod, an API server that refuses for a moment, a deleted pod, another run.
/// </summary>
public class K8sClusterBehaviourTests
{
    private static K8sTrialExecutor Executor(FakeApiServer fake, string? load = "-c 2 -n 40", K8sRunnerOptions? options = null) => new(
        fake.Connect(), new DeploymentTarget("sales", "sales-api"), load is null ? null : HeyLoad.Parse($"{load} {fake.Url}app/work"),
        options ?? fake.FastOptions() with { RolloutTimeout = TimeSpan.FromMinutes(2) });

    private static TrialRequest At(string limit, string knobs = "none") =>
        new(MemoryQuantity.Parse(limit, "--limit"), knobs == "none" ? KnobSet.None : KnobPresets.Get(knobs));

    private static JsonObject Container(JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();

    private static string[] EnvNames(JsonArray patch) =>
        [.. patch.Single(o => o!["path"]!.GetValue<string>().EndsWith("/env", StringComparison.Ordinal))!["value"]!.AsArray().Select(e => e!["name"]!.GetValue<string>())];

    /// <summary>The article's Go overlay (deploy/k8s/overlays/go): GOGC=off and GOMEMLIMIT from limits.memory in the Deployment itself.</summary>
    private static void GoOverlay(FakeApiServer fake) => fake.Edit(d => Container(d)["env"]!.AsArray().Add(JsonNode.Parse("""
        { "name": "GOGC", "value": "off" }
        """)));

    [Fact]
    public async Task NoneAndGoTrials_OnTheGoOverlay_DifferInTheirEnv_TheDeploymentsGogcDoesNotLeak()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        GoOverlay(fake);
        await using (var executor = Executor(fake, "-c 1 -n 5"))
        {
            await executor.RunAsync(At("64Mi", "go"), null, ct);
            await executor.RunAsync(At("64Mi"), null, ct);
        }

        Assert.Equal(["GOMEMLIMIT", "SALES_DEBUG_HOST", "SALES_DATA_DIR", "GOGC"], EnvNames(fake.Patches[0]));
        Assert.Equal(["SALES_DEBUG_HOST", "SALES_DATA_DIR"], EnvNames(fake.Patches[1]));
        Assert.Equal(3, Container(fake.Deployment)["env"]!.AsArray().Count);
    }

    [Fact]
    public async Task UnlimitedGoTrial_IsRefusedInOneLine_BeforeAnyPatch()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        await using var executor = Executor(fake);

        var error = await Assert.ThrowsAsync<UserInputException>(() => executor.RunAsync(new TrialRequest(null, KnobPresets.Get("go")), null, ct));

        Assert.Equal("refusing an unlimited trial of go on deployment/sales: the container's env sets GOGC=off, which with no memory limit lets the Go heap grow until the node runs out; take it out of the Deployment or give the study a knob set that sets it",
            error.Message);
        Assert.Empty(fake.Patches);
    }

    [Theory]
    [InlineData("CrashLoopBackOff", "pod sales-5c4d2f8b9-x2k8q: Error, exit 1 before it became ready, restarts 0->3, waiting: CrashLoopBackOff")]
    [InlineData("ImagePullBackOff", "container sales-api of pod sales-5c4d2f8b9-x2k8q is waiting: ImagePullBackOff (Back-off pulling image \"sales-api:does-not-exist\")")]
    public async Task PodThatCannotStart_EndsTheTrialWithinSeconds_WithTheKubeletsReason(string reason, string evidence)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.WaitingReason = reason;
        TrialResult result;
        await using (var executor = Executor(fake))
        {
            result = await executor.RunAsync(At("64Mi"), null, ct);
        }

        Assert.Equal(TrialOutcome.StartFailed, result.Outcome);
        Assert.Contains(evidence, result.Evidence, StringComparison.Ordinal);
        Assert.True(result.WallTime < TimeSpan.FromSeconds(30), $"{result.WallTime}: the wait ran towards its 2-minute timeout");
        Assert.Equal("128Mi", Container(fake.Deployment)["resources"]!["limits"]!["memory"]!.GetValue<string>());
    }

    [Fact]
    public async Task QuotaRejection_ReplicaFailure_NamesTheQuota_AndTheReplicaSet()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        // The message the API server's ResourceQuota admission gives, as the ReplicaSet controller records it.
        fake.QuotaExceeded = "pods \"sales-5c4d2f8b9-x2k8q\" is forbidden: exceeded quota: team-memory, requested: limits.memory=2Gi, used: limits.memory=1Gi, limited: limits.memory=2Gi";
        TrialResult result;
        await using (var executor = Executor(fake))
        {
            result = await executor.RunAsync(At("2Gi"), null, ct);
        }

        Assert.Equal(TrialOutcome.StartFailed, result.Outcome);
        Assert.StartsWith("pod (none of replicaset/sales-5c4d2f8b9): ReplicaFailure (FailedCreate): pods \"sales-5c4d2f8b9-x2k8q\" is forbidden: exceeded quota: team-memory",
            result.Evidence, StringComparison.Ordinal);
        Assert.Contains(fake.Requests, r => r.Path.EndsWith("/events", StringComparison.Ordinal) && r.Query.Contains("involvedObject.kind%3DReplicaSet%2CinvolvedObject.name%3Dsales-5c4d2f8b9", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OomKillDuringWarmUp_BeforeTheRolloutWasSeenDone_IsTheTrials()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.OomBeforeReady = true;
        fake.RolloutReads = 0;
        TrialResult result;
        await using (var executor = Executor(fake))
        {
            result = await executor.RunAsync(At("24Mi"), null, ct);
        }

        Assert.Equal(TrialOutcome.OomKilled, result.Outcome);
        Assert.Contains("OOMKilled, exit 137, restarts 0->1", result.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LimitRangeDefault_OnTheUnlimitedBaseline_IsLimitNotApplied_AndRestored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.LimitRangeDefaultMemory = "512Mi";
        UserInputException error;
        await using (var executor = Executor(fake))
        {
            error = await Assert.ThrowsAsync<UserInputException>(() => executor.RunAsync(new TrialRequest(null, KnobSet.None), null, ct));
        }

        Assert.StartsWith("limit not applied: pod sales-5c4d2f8b9-x2k8q has limits.memory 512Mi (asked none), requests.memory 512Mi (asked none);", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, fake.Patches.Count);
        Assert.Equal("128Mi", Container(fake.Deployment)["resources"]!["limits"]!["memory"]!.GetValue<string>());
    }

    [Fact]
    public async Task TooManyRequestsWithRetryAfter_AndA503MidTrial_AreRetried_AndTheTrialCompletes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.FailNext("GET", "/deployments/sales", 429, retryAfterSeconds: 1);
        fake.FailNext("GET", "/pods/sales-5c4d2f8b9-x2k8q", 503, times: 2);
        fake.FailNext("GET", "/pods/sales-5c4d2f8b9-x2k8q", 0);
        TrialResult result;
        await using (var executor = Executor(fake, "-c 2 -n 200"))
        {
            result = await executor.RunAsync(At("64Mi"), null, ct);
        }

        Assert.True(result.Outcome == TrialOutcome.Survived, result.Evidence);
        Assert.Equal(200, result.Load!.Succeeded);
        // The 429 and the two 503s are always this handler's retries; the reset is too on a new connection, but on a
        // reused one .NET's connection pool sends the GET again itself before any handler sees the error (seen in CI).
        Assert.True(fake.Retrying!.Retries >= 3, $"{fake.Retrying.Retries} retries");
        var reads = fake.Requests.Where(r => r.Method == "GET" && r.Path.EndsWith("/deployments/sales", StringComparison.Ordinal)).Take(2).ToArray();
        Assert.True(reads[1].At - reads[0].At >= TimeSpan.FromSeconds(0.9), $"the retry came {reads[1].At - reads[0].At} after the 429 with Retry-After: 1");
    }

    [Fact]
    public async Task PodDeletedMidTrial_IsInterrupted_AndRunAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.DeletePodAfterRequests = 10;
        TrialResult result;
        await using (var executor = Executor(fake, "-c 1 -n 60"))
        {
            result = await executor.RunAsync(At("64Mi"), null, ct);
        }

        Assert.True(result.Outcome == TrialOutcome.Survived, result.Evidence);
        Assert.EndsWith("; run again after: pod sales-5c4d2f8b9-x2k8q was deleted during the trial", result.Evidence, StringComparison.Ordinal);
        Assert.Equal(3, fake.Patches.Count);
    }

    [Fact]
    public async Task MatchExpressionsOnlySelector_FindsTheTrialsPod()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.UseMatchExpressions();
        TrialResult result;
        await using (var executor = Executor(fake, "-c 1 -n 5"))
        {
            result = await executor.RunAsync(At("64Mi"), null, ct);
        }

        Assert.True(result.Outcome == TrialOutcome.Survived, result.Evidence);
        Assert.Contains(fake.Requests, r => r.Path.EndsWith("/replicasets", StringComparison.Ordinal) && Uri.UnescapeDataString(r.Query).Contains("labelSelector=app in (sales)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StatusWritesBetweenReadAndPatch_FailTheResourceVersionTest_AndThePatchIsRetried()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.StatusWritesAfterRead = 2;
        TrialResult result;
        await using (var executor = Executor(fake, "-c 1 -n 5"))
        {
            result = await executor.RunAsync(At("64Mi"), null, ct);
        }

        Assert.True(result.Outcome == TrialOutcome.Survived, result.Evidence);
        var patches = fake.Requests.Where(r => r.Method == "PATCH").ToArray();
        Assert.Equal(4, patches.Length);
        Assert.All(patches, p => Assert.Contains("fieldManager=headroom", p.Query, StringComparison.Ordinal));
        Assert.Contains(fake.Patches[0], o => o!["op"]!.GetValue<string>() == "test" && o["path"]!.GetValue<string>() == "/metadata/resourceVersion");
    }

    [Fact]
    public async Task SecondRun_OnADeploymentAnotherRunPatched_IsRefused_WithTheRestoreCommand()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        await using var first = Executor(fake, "-c 1 -n 5");
        await first.RunAsync(At("64Mi"), null, ct);

        await using (var second = Executor(fake, "-c 1 -n 5"))
        {
            var error = await Assert.ThrowsAsync<UserInputException>(() => second.RunAsync(At("32Mi"), null, ct));
            Assert.Contains("deployment/sales is patched by another Headroom run", error.Message, StringComparison.Ordinal);
            Assert.EndsWith("if that run is over, restore it with: headroom k8s restore deployment/sales --namespace default", error.Message, StringComparison.Ordinal);
        }

        // The second run left the first one's patch alone: the Deployment still runs the first run's 64Mi.
        Assert.Single(fake.Patches);
        Assert.Equal("64Mi", Container(fake.Deployment)["resources"]!["limits"]!["memory"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("replicas", 3, "deployment/sales has 3 replicas: each would serve real traffic at the trial's limit and only one is measured; use --parallel N (clones with one replica and no Service), or --allow-live-replicas if you mean it")]
    [InlineData("replicas", 0, "deployment/sales has replicas: 0, so there is no pod to measure; scale it to 1 first")]
    [InlineData("paused", 1, "deployment/sales is paused, so no trial's patch would roll out; resume it (kubectl rollout resume deployment/sales) first")]
    public async Task DeploymentTheRunnerMustNotPatch_IsRefusedInOneLine(string field, int value, string message)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.Edit(d => d["spec"]![field] = field == "paused" ? JsonValue.Create(true) : JsonValue.Create(value));
        await using var executor = Executor(fake);

        var error = await Assert.ThrowsAsync<UserInputException>(() => executor.RunAsync(At("64Mi"), null, ct));

        Assert.Equal(message, error.Message);
        Assert.Empty(fake.Patches);
    }

    /// <summary>
    /// A Service's selector is a plain label map; the EndpointSlice controller routes its traffic to every ready pod
    /// whose labels include it (pkg/controller/endpointslice), an ExternalName Service has none. Sequential mode
    /// patches the live Deployment, so a Service selecting its pods is refused, unless --allow-service-traffic.
    /// </summary>
    [Fact]
    public async Task ServiceSelectingTheDeploymentsPods_IsRefusedNamingIt_UnlessAllowed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.AddService("billing", new Dictionary<string, string> { ["app"] = "billing" });
        fake.AddService("sales-dns", null, "ExternalName");
        fake.AddService("sales-canary", new Dictionary<string, string> { ["app"] = "sales", ["track"] = "canary" });
        fake.AddService("sales", new Dictionary<string, string> { ["app"] = "sales" });

        await using (var executor = Executor(fake, "-c 1 -n 5"))
        {
            var error = await Assert.ThrowsAsync<UserInputException>(() => executor.RunAsync(At("64Mi"), null, ct));
            Assert.Equal("service/sales selects deployment/sales's pods (app=sales): its real traffic would meet each trial's limit; use --parallel N (clones whose labels drop the Deployment's selector, so no Service routes to them), or --allow-service-traffic if you mean it",
                error.Message);
        }
        fake.ForbidServices = true;
        await using (var executor = Executor(fake, "-c 1 -n 5"))
        {
            var error = await Assert.ThrowsAsync<UserInputException>(() => executor.RunAsync(At("64Mi"), null, ct));
            Assert.Equal("cannot list services in namespace default (403) to check whether one sends real traffic to deployment/sales's pods: grant list on services (deploy/k8s/rbac/role.yaml), or pass --allow-service-traffic if you know none does",
                error.Message);
        }
        Assert.Empty(fake.Patches);

        TrialResult result;
        await using (var executor = Executor(fake, "-c 1 -n 5", fake.FastOptions() with { AllowServiceTraffic = true, RolloutTimeout = TimeSpan.FromMinutes(2) }))
        {
            result = await executor.RunAsync(At("64Mi"), null, ct);
        }
        Assert.True(result.Outcome == TrialOutcome.Survived, result.Evidence);
        Assert.NotEmpty(fake.Patches);
        // With the flag the Services are not even listed (the two refused runs listed them once each).
        Assert.Equal(2, fake.Requests.Count(r => r.Path == "/api/v1/namespaces/default/services"));
    }

    /// <summary>
    /// An HPA's scaleTargetRef names its target by kind and name (autoscaling/v2), and a Resource metric's utilization
    /// is a percentage of the pods' request (pkg/controller/podautoscaler/replica_calculator.go), so an HPA on the
    /// live Deployment would scale it as each trial changes the request: refused, unless --allow-autoscaler.
    /// </summary>
    [Fact]
    public async Task AutoscalerTargetingTheDeployment_IsRefusedNamingIt_UnlessAllowed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.AddAutoscaler("billing", "Deployment", "billing");
        fake.AddAutoscaler("sales-set", "StatefulSet", "sales");
        fake.AddAutoscaler("sales-memory", "Deployment", "sales");

        await using (var executor = Executor(fake, "-c 1 -n 5"))
        {
            var error = await Assert.ThrowsAsync<UserInputException>(() => executor.RunAsync(At("64Mi"), null, ct));
            Assert.Equal("deployment/sales is scaled by HorizontalPodAutoscaler sales-memory: its utilization is relative to the memory/cpu request Headroom changes, so it would scale the Deployment during the study; use --parallel N (clones are not its target) or --allow-autoscaler",
                error.Message);
        }
        fake.ForbidAutoscalers = true;
        await using (var executor = Executor(fake, "-c 1 -n 5"))
        {
            var error = await Assert.ThrowsAsync<UserInputException>(() => executor.RunAsync(At("64Mi"), null, ct));
            Assert.Equal("cannot list horizontalpodautoscalers in namespace default (403) to check whether one scales deployment/sales: grant list on horizontalpodautoscalers in autoscaling (deploy/k8s/rbac/role.yaml), or pass --allow-autoscaler if you know none does",
                error.Message);
        }
        Assert.Empty(fake.Patches);

        TrialResult result;
        await using (var executor = Executor(fake, "-c 1 -n 5", fake.FastOptions() with { AllowAutoscaler = true, RolloutTimeout = TimeSpan.FromMinutes(2) }))
        {
            result = await executor.RunAsync(At("64Mi"), null, ct);
        }
        Assert.True(result.Outcome == TrialOutcome.Survived, result.Evidence);
        Assert.NotEmpty(fake.Patches);
        // With the flag the autoscalers are not even listed (the two refused runs listed them once each).
        Assert.Equal(2, fake.Requests.Count(r => r.Path == "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers"));
    }

    /// <summary>
    /// Argo CD tracks what it applied by the argocd.argoproj.io/tracking-id annotation (its default method) or a
    /// configured label such as argocd.argoproj.io/instance (argo-cd.readthedocs.io, user-guide/resource_tracking);
    /// Flux labels it with kustomize.toolkit.fluxcd.io/name or helm.toolkit.fluxcd.io/name (fluxcd/helm-controller#238).
    /// With self-heal they put Git's spec back mid-trial: refused, unless --allow-gitops. app.kubernetes.io/instance
    /// alone (Helm sets it too) is not refused.
    /// </summary>
    [Theory]
    [InlineData("annotations", "argocd.argoproj.io/tracking-id", "shop:apps/Deployment:default/sales", "Argo CD (annotation argocd.argoproj.io/tracking-id=shop:apps/Deployment:default/sales)")]
    [InlineData("labels", "argocd.argoproj.io/instance", "shop", "Argo CD (label argocd.argoproj.io/instance=shop)")]
    [InlineData("labels", "kustomize.toolkit.fluxcd.io/name", "apps", "Flux Kustomization (label kustomize.toolkit.fluxcd.io/name=apps)")]
    [InlineData("labels", "helm.toolkit.fluxcd.io/name", "sales", "Flux HelmRelease (label helm.toolkit.fluxcd.io/name=sales)")]
    [InlineData("labels", "app.kubernetes.io/instance", "shop", null)]
    public async Task DeploymentAppliedByGitOps_IsRefusedNamingTheController_UnlessAllowed(string map, string key, string value, string? named)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        fake.Edit(d =>
        {
            var metadata = d["metadata"]!.AsObject();
            var marks = metadata[map]?.AsObject() ?? [];
            marks["app.kubernetes.io/instance"] = "shop";
            marks[key] = value;
            metadata[map] = marks;
        });

        if (named is not null)
        {
            await using var refused = Executor(fake, "-c 1 -n 5");
            var error = await Assert.ThrowsAsync<UserInputException>(() => refused.RunAsync(At("64Mi"), null, ct));
            Assert.Equal($"deployment/sales is managed by {named}: with self-heal it may revert each trial's patch; pause its sync/self-heal for the study, or use --parallel N (clones are not in Git) or --allow-gitops",
                error.Message);
            Assert.Empty(fake.Patches);
        }

        // With the flag, or with only the app.kubernetes.io/instance label (Helm sets it too), the trial runs.
        TrialResult result;
        await using (var executor = Executor(fake, "-c 1 -n 5", fake.FastOptions() with { AllowGitOps = named is not null, RolloutTimeout = TimeSpan.FromMinutes(2) }))
        {
            result = await executor.RunAsync(At("64Mi"), null, ct);
        }
        Assert.True(result.Outcome == TrialOutcome.Survived, result.Evidence);
        Assert.NotEmpty(fake.Patches);
    }

    [Fact]
    public async Task FailedRestore_SaysTheExactRestoreCommand()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        var executor = Executor(fake, "-c 1 -n 5");
        await executor.RunAsync(At("64Mi"), null, ct);
        fake.ForbidPatch = true;

        var error = await Assert.ThrowsAsync<UserInputException>(async () => await executor.DisposeAsync());

        Assert.StartsWith("could not restore deployment/sales (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("it still runs with the trial's limit: restore it with headroom k8s restore deployment/sales --namespace default", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
