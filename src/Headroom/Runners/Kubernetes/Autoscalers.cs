using k8s;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Whether a HorizontalPodAutoscaler in the namespace scales the Deployment: its <c>spec.scaleTargetRef</c> names it
/// (kind and name; autoscaling/v2). A Resource metric's target utilization is a percentage of the pods' request
/// (pkg/controller/podautoscaler), and sequential mode changes the live Deployment's request each trial, so the HPA
/// would add or remove replicas during the study. Clones (<c>--parallel</c>) are not its target.
/// </summary>
public static class Autoscalers
{
    /// <summary>
    /// The namespace's HorizontalPodAutoscalers, to check the Deployment against before its first patch; null when
    /// <see cref="K8sRunnerOptions.AllowAutoscaler"/> (nothing to check). A 403 is a one-line error.
    /// </summary>
    public static Task<IReadOnlyList<V2HorizontalPodAutoscaler>?> ListAsync(KubeConnection connection, string deployment, K8sRunnerOptions options, CancellationToken cancellationToken) =>
        ClusterRefusals.ListUnlessAllowedAsync<V2HorizontalPodAutoscaler>(options.AllowAutoscaler,
            async () => (await connection.Client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(connection.Namespace, cancellationToken: cancellationToken)).Items,
            $"cannot list horizontalpodautoscalers in namespace {connection.Namespace} (403) to check whether one scales deployment/{deployment}: grant list on horizontalpodautoscalers in autoscaling (deploy/k8s/rbac/role.yaml), or pass --allow-autoscaler if you know none does");

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first HorizontalPodAutoscaler whose target is the Deployment.</summary>
    public static void Refuse(V1Deployment deployment, IReadOnlyList<V2HorizontalPodAutoscaler>? autoscalers)
    {
        var name = deployment.Metadata?.Name;
        if (autoscalers?.FirstOrDefault(a => a.Spec?.ScaleTargetRef is { Kind: "Deployment" } target && target.Name == name) is { } autoscaler)
        {
            throw new UserInputException(
                $"deployment/{name} is scaled by HorizontalPodAutoscaler {autoscaler.Metadata?.Name}: its utilization is relative to the memory/cpu request Headroom changes, so it would scale the Deployment during the study; use --parallel N (clones are not its target) or --allow-autoscaler");
        }
    }
}
