using System.Globalization;
using k8s;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>Where a rollout stands: done, or how far it got when the time was up.</summary>
public sealed record RolloutState(bool Done, string Description);

/// <summary>Waits for a Deployment's rollout as <c>kubectl rollout status</c> does, and finds the pods it made.</summary>
public static class Rollout
{
    /// <summary>
    /// Polls until the controller has seen the new generation and every replica is updated and available, or the
    /// timeout; a rollout that does not finish (a pod OOM-killed while it starts) is a state, not an error.
    /// </summary>
    public static async Task<RolloutState> WaitAsync(
        IKubernetes client, string ns, string name, long generation, TimeSpan timeout, TimeSpan poll, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: cancellationToken);
            var state = Describe(deployment, generation);
            if (state.Done || DateTime.UtcNow > deadline)
            {
                return state;
            }
            await Task.Delay(poll, cancellationToken);
        }
    }

    public static RolloutState Describe(V1Deployment deployment, long generation)
    {
        var status = deployment.Status ?? new V1DeploymentStatus();
        var wanted = deployment.Spec?.Replicas ?? 1;
        var done = (status.ObservedGeneration ?? 0) >= generation
            && (status.UpdatedReplicas ?? 0) == wanted
            && (status.AvailableReplicas ?? 0) == wanted
            && (status.Replicas ?? 0) == wanted;
        return new RolloutState(done, string.Create(CultureInfo.InvariantCulture,
            $"generation {status.ObservedGeneration ?? 0}/{generation}, updated {status.UpdatedReplicas ?? 0}, available {status.AvailableReplicas ?? 0}, total {status.Replicas ?? 0} of {wanted}"));
    }

    /// <summary>
    /// The pods of the Deployment's current revision: its ReplicaSet is the one whose revision annotation matches the
    /// Deployment's, and its pods carry that ReplicaSet's <c>pod-template-hash</c>. Pods being deleted are left out.
    /// </summary>
    public static async Task<IReadOnlyList<V1Pod>> CurrentPodsAsync(IKubernetes client, string ns, string name, CancellationToken cancellationToken)
    {
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: cancellationToken);
        var selector = string.Join(',', deployment.Spec.Selector.MatchLabels.Select(l => $"{l.Key}={l.Value}"));
        var revision = Annotation(deployment.Metadata.Annotations, RevisionAnnotation);
        var sets = await client.AppsV1.ListNamespacedReplicaSetAsync(ns, labelSelector: selector, cancellationToken: cancellationToken);
        var current = sets.Items.AsEnumerable()
            .Where(rs => rs.Metadata.OwnerReferences?.Any(o => o.Uid == deployment.Metadata.Uid) ?? false)
            .FirstOrDefault(rs => Annotation(rs.Metadata.Annotations, RevisionAnnotation) == revision);
        if (Annotation(current?.Metadata.Labels, PodTemplateHash) is not { } hash)
        {
            return [];
        }
        var pods = await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"{selector},{PodTemplateHash}={hash}", cancellationToken: cancellationToken);
        return [.. pods.Items.AsEnumerable().Where(p => p.Metadata.DeletionTimestamp is null).OrderByDescending(p => p.Metadata.CreationTimestamp)];
    }

    private static string? Annotation(IDictionary<string, string>? map, string key) =>
        map is not null && map.TryGetValue(key, out var value) ? value : null;

    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string PodTemplateHash = "pod-template-hash";
}
