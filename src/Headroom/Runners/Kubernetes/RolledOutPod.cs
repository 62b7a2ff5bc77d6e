using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// The pod a trial's patch rolls out: waits for the rollout (up to <see cref="K8sRunnerOptions.RolloutTimeout"/>, or
/// until it is stuck), finds the new pod, and refuses a pod that admission changed from what the patch asked
/// (<see cref="AppliedCheck"/>).
/// </summary>
internal static class RolledOutPod
{
    /// <summary>The new pod (null when there is none yet), its ReplicaSet, and why the rollout did not finish (null: it did).</summary>
    public static async Task<(V1Pod? Pod, string? ReplicaSet, string? Failure)> WaitAsync(
        KubeConnection connection, DeploymentTarget target, V1Deployment patched, K8sRunnerOptions options, CancellationToken cancellationToken)
    {
        var client = connection.Client;
        var rollout = await Rollout.WaitAsync(client, connection.Namespace, target.Name, target.Container, patched.Metadata.Generation ?? 0,
            options.RolloutTimeout, options.PollInterval, cancellationToken);
        var pods = await Rollout.CurrentPodsAsync(client, connection.Namespace, target.Name, cancellationToken);
        var pod = pods.Count == 0 ? null : pods[0];
        if (!rollout.Done || pod is null)
        {
            return (pod, rollout.ReplicaSet, rollout.Stuck ?? $"rollout not done within {options.RolloutTimeout.TotalSeconds:0.#} s ({rollout.Description})");
        }
        if (AppliedCheck.NotApplied(patched, pod, target.Container) is { } different)
        {
            throw new UserInputException(
                $"limit not applied: {different}; a LimitRange, a VPA, a policy engine or a webhook changed the pod, so its trial would not measure what it says");
        }
        return (pod, rollout.ReplicaSet, null);
    }
}
