using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Whether a GitOps controller applied the Deployment, recognised by the marks it puts on what it applies. With
/// self-heal (Argo CD <c>syncPolicy.automated.selfHeal</c>, Flux's drift correction on every interval) it puts the
/// spec from Git back, reverting a trial's patch in the middle of the trial.
/// </summary>
public static class GitOpsOwners
{
    /// <summary>
    /// Argo CD's resource tracking: the <c>argocd.argoproj.io/tracking-id</c> annotation (the default "annotation" and
    /// the "annotation+label" methods), or the label it is commonly configured to use instead of
    /// <c>app.kubernetes.io/instance</c> (argo-cd.readthedocs.io user-guide/resource_tracking). The label method with
    /// <c>app.kubernetes.io/instance</c> alone is not recognised: Helm charts set that label too.
    /// </summary>
    private static readonly (string Key, bool IsLabel, string Tool)[] Marks =
    [
        ("argocd.argoproj.io/tracking-id", false, "Argo CD"),
        ("argocd.argoproj.io/instance", true, "Argo CD"),
        // Flux labels what it applies with its Kustomization's or HelmRelease's name and namespace
        // (kustomize-controller; helm-controller's post-renderer, fluxcd/helm-controller#238; read by flux trace).
        ("kustomize.toolkit.fluxcd.io/name", true, "Flux Kustomization"),
        ("helm.toolkit.fluxcd.io/name", true, "Flux HelmRelease"),
    ];

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the controller's mark, unless <see cref="K8sRunnerOptions.AllowGitOps"/>.</summary>
    public static void Refuse(V1Deployment deployment, K8sRunnerOptions options)
    {
        if (options.AllowGitOps)
        {
            return;
        }
        var metadata = deployment.Metadata;
        foreach (var (key, isLabel, tool) in Marks)
        {
            if ((isLabel ? metadata?.Labels : metadata?.Annotations) is { } map && map.TryGetValue(key, out var value))
            {
                throw new UserInputException(
                    $"deployment/{metadata?.Name} is managed by {tool} ({(isLabel ? "label" : "annotation")} {key}={value}): with self-heal it may revert each trial's patch; pause its sync/self-heal for the study, or use --parallel N (clones are not in Git) or --allow-gitops");
            }
        }
    }
}
