using System.Globalization;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// What the runner refuses to patch, each with a one-line reason (and the flag, where a user may knowingly want it):
/// a paused Deployment (the controller would never roll the patch out), <c>replicas: 0</c> (no pod to measure),
/// more than one replica in sequential mode (each serves real traffic at the trial's limit, and only one is
/// measured), and a Deployment that holds another run's saved original (it is patched now: a killed run, or one
/// still going).
/// </summary>
public static class DeploymentChecks
{
    /// <summary>Throws a <see cref="UserInputException"/> for the first refusal; <paramref name="restore"/> is the command that undoes another run's patch.</summary>
    public static void Refuse(V1Deployment deployment, K8sRunnerOptions options, string restore)
    {
        var name = deployment.Metadata?.Name;
        if (SavedOriginal.Read(deployment) is { } saved && saved.Run != options.RunId)
        {
            throw new UserInputException(
                $"deployment/{name} is patched by another Headroom run ({saved.Run ?? "one without a run id"}; its original is saved in {SavedOriginal.Annotation}); if that run is over, restore it with: {restore}");
        }
        if (deployment.Spec?.Paused == true)
        {
            throw new UserInputException($"deployment/{name} is paused, so no trial's patch would roll out; resume it (kubectl rollout resume deployment/{name}) first");
        }
        var replicas = deployment.Spec?.Replicas ?? 1;
        if (replicas == 0)
        {
            throw new UserInputException($"deployment/{name} has replicas: 0, so there is no pod to measure; scale it to 1 first");
        }
        if (replicas > 1 && !options.AllowLiveReplicas)
        {
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                $"deployment/{name} has {replicas} replicas: each would serve real traffic at the trial's limit and only one is measured; use --parallel N (clones with one replica and no Service), or --allow-live-replicas if you mean it"));
        }
    }
}
