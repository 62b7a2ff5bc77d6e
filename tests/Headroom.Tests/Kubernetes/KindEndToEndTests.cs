using Headroom.Runners.Kubernetes;
using k8s;
using k8s.Models;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// Against a real cluster (kind): runs only with <c>HEADROOM_K8S_E2E=1</c> and a kubeconfig, on a Deployment
/// <c>sales</c> (container <c>sales-api</c>) applied from deploy/k8s/base in the current context's namespace.
/// No cluster runs on the machine these tests were written on, so this has not been run there.
/// </summary>
[Collection("kubeconfig")]
public class KindEndToEndTests
{
    private static void RequireCluster()
    {
        if (Environment.GetEnvironmentVariable("HEADROOM_K8S_E2E") != "1")
        {
            Assert.Skip("set HEADROOM_K8S_E2E=1 with a kind cluster and deploy/k8s/base applied to run this");
        }
        var kubeconfig = Environment.GetEnvironmentVariable("KUBECONFIG") ?? KubernetesClientConfiguration.KubeConfigDefaultLocation;
        if (!File.Exists(kubeconfig.Split(Path.PathSeparator)[0]))
        {
            Assert.Skip($"HEADROOM_K8S_E2E=1 but there is no kubeconfig at {kubeconfig}");
        }
    }

    [Fact]
    public async Task Trial_SetsTheLimitOnTheNewPod_AndRestores()
    {
        RequireCluster();
        var ct = TestContext.Current.CancellationToken;
        using var connection = KubeConnection.Open(null, null);
        var before = await connection.Client.AppsV1.ReadNamespacedDeploymentAsync("sales", connection.Namespace, cancellationToken: ct);
        var originalLimit = before.Spec.Template.Spec.Containers.Single(c => c.Name == "sales-api").Resources.Limits["memory"];

        await using (var executor = new K8sTrialExecutor(connection, new DeploymentTarget("sales", "sales-api"), null, new K8sRunnerOptions()))
        {
            var result = await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("96Mi", "--limit"), KnobPresets.Get("go")), null, ct);
            Assert.True(result.Outcome is TrialOutcome.Survived or TrialOutcome.OomKilled, result.Evidence);
            var pods = await Rollout.CurrentPodsAsync(connection.Client, connection.Namespace, "sales", ct);
            var container = pods[0].Spec.Containers.Single(c => c.Name == "sales-api");
            Assert.Equal(new ResourceQuantity("96Mi"), container.Resources.Limits["memory"]);
            Assert.Equal(container.Resources.Limits["memory"], container.Resources.Requests["memory"]);
            Assert.Equal("limits.memory", container.Env.Single(e => e.Name == "GOMEMLIMIT").ValueFrom.ResourceFieldRef.Resource);
        }

        var after = await connection.Client.AppsV1.ReadNamespacedDeploymentAsync("sales", connection.Namespace, cancellationToken: ct);
        Assert.Equal(originalLimit, after.Spec.Template.Spec.Containers.Single(c => c.Name == "sales-api").Resources.Limits["memory"]);
        Assert.False(after.Metadata.Annotations?.ContainsKey(SavedOriginal.Annotation) ?? false);
    }
}
