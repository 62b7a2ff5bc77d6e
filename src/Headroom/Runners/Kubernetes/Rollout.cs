using System.Globalization;
using k8s;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Where a rollout stands: done, or how far it got. <see cref="Stuck"/> is why the cluster says it cannot finish (the
/// new pod's waiting reason or ended run, unschedulable, the ReplicaSet refused); <see cref="ReplicaSet"/> is the new
/// ReplicaSet once the controller made it, whose events say why when there is no pod.
/// </summary>
public sealed record RolloutState(bool Done, string Description)
{
    public string? Stuck { get; init; }

    public string? ReplicaSet { get; init; }
}

/// <summary>
/// Waits for a Deployment's rollout as <c>kubectl rollout status</c> does, and finds the pods it made; unlike it, the
/// wait also looks at the new ReplicaSet's pods, so a pod that cannot start ends the wait at once with the reason.
/// </summary>
public static class Rollout
{
    /// <summary>
    /// A waiting reason from which a container does not come out by itself (the kubelet's: <c>CrashLoopBackOff</c>
    /// between restarts, <c>ImagePullBackOff</c>/<c>ErrImagePull</c>, and config or create errors).
    /// </summary>
    public static readonly IReadOnlySet<string> StuckWaiting = new HashSet<string>(StringComparer.Ordinal)
    {
        "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CreateContainerConfigError",
        "CreateContainerError", "RunContainerError",
    };

    /// <summary>
    /// Polls until the controller has seen the new generation and every replica is updated and available; a rollout
    /// that cannot finish (<see cref="Stuck"/>) or the timeout ends the wait as a state, not an error.
    /// </summary>
    public static async Task<RolloutState> WaitAsync(
        IKubernetes client, string ns, string name, string container, long generation, TimeSpan timeout, TimeSpan poll, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: cancellationToken);
            var state = Describe(deployment, generation);
            if (state.Done)
            {
                return state;
            }
            if ((deployment.Status?.ObservedGeneration ?? 0) >= generation)
            {
                var set = await NewReplicaSetAsync(client, ns, deployment, cancellationToken);
                var pods = set is null ? [] : await PodsOfAsync(client, ns, set, cancellationToken);
                state = state with { ReplicaSet = set?.Metadata.Name, Stuck = Stuck(deployment, set, pods, container) };
                if (state.Stuck is not null)
                {
                    return state;
                }
            }
            if (DateTime.UtcNow > deadline)
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
    /// Why the rollout cannot finish, or null: the Deployment's <c>ProgressDeadlineExceeded</c> or <c>ReplicaFailure</c>
    /// (the deployment controller's conditions), the new ReplicaSet's <c>ReplicaFailure</c> (<c>FailedCreate</c>: a
    /// quota, a LimitRange, a webhook refused the pod), a new pod that is unschedulable, waits for a reason it does not
    /// leave by itself, or whose container already ended once (OOM-killed while it started).
    /// </summary>
    public static string? Stuck(V1Deployment deployment, V1ReplicaSet? set, IReadOnlyList<V1Pod> pods, string container)
    {
        var conditions = deployment.Status?.Conditions ?? [];
        if (conditions.FirstOrDefault(c => c.Type == "Progressing" && c.Status == "False" && c.Reason == "ProgressDeadlineExceeded") is { } deadline)
        {
            return $"ProgressDeadlineExceeded: {deadline.Message}";
        }
        var failure = set?.Status?.Conditions?.FirstOrDefault(c => c.Type == "ReplicaFailure" && c.Status == "True") is { } rs
            ? (rs.Reason, rs.Message)
            : conditions.FirstOrDefault(c => c.Type == "ReplicaFailure" && c.Status == "True") is { } d ? (d.Reason, d.Message) : default;
        if (failure.Message is not null)
        {
            return $"ReplicaFailure ({failure.Reason}): {failure.Message}";
        }
        foreach (var pod in pods)
        {
            var podName = pod.Metadata.Name;
            if (pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False") is { } scheduled)
            {
                return $"pod {podName} {scheduled.Reason ?? "not scheduled"}: {scheduled.Message}";
            }
            if (pod.Status?.Phase == "Failed")
            {
                return $"pod {podName} failed: {pod.Status.Reason} {pod.Status.Message}".TrimEnd();
            }
            var status = pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == container);
            if (PodOutcome.Ended(status, 0) is { } ended)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"container {container} of pod {podName} ended while starting: {ended.Reason ?? "Error"}, exit {ended.ExitCode}, restarts {status!.RestartCount}");
            }
            if (status?.State?.Waiting is { } waiting && waiting.Reason is { } reason && StuckWaiting.Contains(reason))
            {
                return $"container {container} of pod {podName} is waiting: {reason}{(string.IsNullOrWhiteSpace(waiting.Message) ? "" : $" ({waiting.Message.Trim()})")}";
            }
        }
        return null;
    }

    /// <summary>
    /// The pods of the Deployment's current revision: its ReplicaSet is the one it owns (by uid) whose revision
    /// annotation matches the Deployment's, and its pods are the ones that ReplicaSet owns (by uid), as the deployment
    /// controller itself tells them apart. Pods being deleted are left out; the newest first.
    /// </summary>
    public static async Task<IReadOnlyList<V1Pod>> CurrentPodsAsync(IKubernetes client, string ns, string name, CancellationToken cancellationToken)
    {
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: cancellationToken);
        return await NewReplicaSetAsync(client, ns, deployment, cancellationToken) is { } set ? await PodsOfAsync(client, ns, set, cancellationToken) : [];
    }

    /// <summary>The Deployment's ReplicaSet of its current revision, or null before the controller made it.</summary>
    public static async Task<V1ReplicaSet?> NewReplicaSetAsync(IKubernetes client, string ns, V1Deployment deployment, CancellationToken cancellationToken)
    {
        var revision = Annotation(deployment.Metadata.Annotations, RevisionAnnotation);
        var sets = await client.AppsV1.ListNamespacedReplicaSetAsync(ns, labelSelector: LabelSelectors.ToQuery(deployment.Spec.Selector), cancellationToken: cancellationToken);
        return sets.Items.AsEnumerable()
            .Where(rs => rs.Metadata.OwnerReferences?.Any(o => o.Uid == deployment.Metadata.Uid) ?? false)
            .FirstOrDefault(rs => Annotation(rs.Metadata.Annotations, RevisionAnnotation) == revision);
    }

    private static async Task<IReadOnlyList<V1Pod>> PodsOfAsync(IKubernetes client, string ns, V1ReplicaSet set, CancellationToken cancellationToken)
    {
        var pods = await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: LabelSelectors.ToQuery(set.Spec.Selector), cancellationToken: cancellationToken);
        return [.. pods.Items.AsEnumerable()
            .Where(p => p.Metadata.DeletionTimestamp is null && (p.Metadata.OwnerReferences?.Any(o => o.Uid == set.Metadata.Uid) ?? false))
            .OrderByDescending(p => p.Metadata.CreationTimestamp)];
    }

    private static string? Annotation(IDictionary<string, string>? map, string key) =>
        map is not null && map.TryGetValue(key, out var value) ? value : null;

    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string PodTemplateHash = "pod-template-hash";
}
