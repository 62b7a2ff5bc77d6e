using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Headroom's clones of a Deployment for <c>--parallel</c>: <c>NAME-headroom-I</c>, one replica each, a copy of the
/// pod template, a selector on the clone's own label, a preferred anti-affinity among the clones (so the scheduler
/// spreads them over nodes), owned by the original Deployment (deleting it deletes them), and labelled with the run
/// (<see cref="RunLease"/>) so <see cref="SweepAsync"/> deletes only the clones of runs that are dead.
/// What is rewritten, and why:
/// <list type="bullet">
/// <item>pod labels: the keys of the original's selector are taken out (a Service selecting them would send real
/// traffic to a clone at a trial's limit); every other label is kept (NetworkPolicies, meshes and workload identity
/// select on them);</item>
/// <item>the priority class and preemption policy are dropped: a clone must not preempt production pods;</item>
/// <item>required pod (anti-)affinity terms and topology spread constraints whose selector matches the original's pod
/// labels are dropped: they spread the original's replicas, and would keep a clone from scheduling;</item>
/// <item>a PersistentVolumeClaim volume is refused (a second mount is a Multi-Attach error for ReadWriteOnce, or a
/// clone writing production data), unless the caller asks to mount an emptyDir in its place.</item>
/// </list>
/// </summary>
public static class DeploymentClones
{
    /// <summary>On a clone and its pods: the Deployment it was cloned from.</summary>
    public const string CloneOfLabel = "headroom.dev/clone-of";

    /// <summary>On a clone's pods, and its selector: the clone's name.</summary>
    public const string CloneLabel = "headroom.dev/clone";

    public const string ManagedByLabel = "app.kubernetes.io/managed-by";

    public const string ManagedBy = "headroom";

    /// <summary>The node label the anti-affinity spreads clones over.</summary>
    public const string HostnameTopology = "kubernetes.io/hostname";

    private const int MaxLabelValue = 63;

    public static string Name(string deployment, int index) => $"{deployment}-headroom-{index}";

    /// <summary>
    /// Clone <paramref name="index"/> of <paramref name="original"/>. A container a killed sequential run left patched
    /// (its <see cref="SavedOriginal"/> annotation) is cloned as it was before that run.
    /// </summary>
    public static V1Deployment Build(V1Deployment original, int index, string runLabel = "", bool pvcAsEmptyDir = false)
    {
        var source = original.Metadata.Name;
        var name = Name(source, index);
        if (name.Length > MaxLabelValue)
        {
            throw new UserInputException(
                $"deployment/{source} has too long a name for --parallel: its clones' label {CloneLabel}={name} would exceed {MaxLabelValue} characters");
        }
        // A deep copy through the client's own JSON, so every field the client knows is carried over.
        var template = KubernetesJson.Deserialize<V1PodTemplateSpec>(KubernetesJson.Serialize(original.Spec.Template));
        template.Metadata ??= new V1ObjectMeta();
        var selected = original.Spec.Selector?.MatchLabels?.Keys.ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var expression in original.Spec.Selector?.MatchExpressions ?? [])
        {
            selected.Add(expression.Key);
        }
        var originalLabels = template.Metadata.Labels ?? new Dictionary<string, string>();
        var labels = originalLabels.Where(l => !selected.Contains(l.Key)).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
        labels[CloneLabel] = name;
        labels[CloneOfLabel] = source;
        labels[ManagedByLabel] = ManagedBy;
        if (runLabel.Length > 0)
        {
            labels[RunLease.RunLabel] = runLabel;
        }
        template.Metadata.Labels = labels;
        CloneRewrites.Apply(template.Spec, source, originalLabels, pvcAsEmptyDir);
        template.Metadata.Annotations?.Remove(DeploymentPatches.TrialAnnotation);
        if (SavedOriginal.Read(original) is { } saved)
        {
            foreach (var container in saved.Containers)
            {
                var list = container.List == SavedOriginal.InitContainersList ? template.Spec.InitContainers : template.Spec.Containers;
                if (list?.FirstOrDefault(c => c.Name == container.Name) is { } spec)
                {
                    spec.Resources = container.Resources is null ? null : KubernetesJson.Deserialize<V1ResourceRequirements>(container.Resources.ToJsonString());
                    spec.Env = container.Env is null ? null : KubernetesJson.Deserialize<List<V1EnvVar>>(container.Env.ToJsonString());
                }
            }
        }
        AddAntiAffinity(template.Spec, source);
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = original.Metadata.NamespaceProperty,
                Labels = runLabel.Length > 0
                    ? new Dictionary<string, string> { [CloneOfLabel] = source, [ManagedByLabel] = ManagedBy, [RunLease.RunLabel] = runLabel }
                    : new Dictionary<string, string> { [CloneOfLabel] = source, [ManagedByLabel] = ManagedBy },
                // Garbage-collected with the original; not a controller reference (the clone has its own).
                OwnerReferences = original.Metadata.Uid is { Length: > 0 } uid
                    ? [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = source, Uid = uid, BlockOwnerDeletion = false, Controller = false }]
                    : null,
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [CloneLabel] = name } },
                Template = template,
                Strategy = original.Spec.Strategy,
                MinReadySeconds = original.Spec.MinReadySeconds,
                ProgressDeadlineSeconds = original.Spec.ProgressDeadlineSeconds,
                // Every trial makes a ReplicaSet; the clone is deleted at the end, so keep few.
                RevisionHistoryLimit = 2,
            },
        };
    }

    private static void AddAntiAffinity(V1PodSpec spec, string source)
    {
        spec.Affinity ??= new V1Affinity();
        spec.Affinity.PodAntiAffinity ??= new V1PodAntiAffinity();
        var preferred = spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution ?? [];
        // Preferred, not required: with fewer nodes than clones they share nodes rather than stay pending.
        preferred.Add(new V1WeightedPodAffinityTerm
        {
            Weight = 100,
            PodAffinityTerm = new V1PodAffinityTerm
            {
                TopologyKey = HostnameTopology,
                LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [CloneOfLabel] = source } },
            },
        });
        spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution = preferred;
    }

    /// <summary>
    /// Deletes the clones of <paramref name="deployment"/> whose run is dead (its <see cref="RunLease"/> lapsed or
    /// gone; clones without a run label are from before leases, so dead), and those runs' leases; the clones of a
    /// live run other than <paramref name="ownRun"/> are left and reported. Each deletion has its own
    /// <paramref name="perDeletion"/> timeout, so one slow delete does not leave the rest undone unsaid.
    /// </summary>
    public static async Task<SweepResult> SweepAsync(KubeConnection connection, string deployment, TimeSpan perDeletion, CancellationToken cancellationToken, string? ownRun = null)
    {
        var clones = await connection.Client.AppsV1.ListNamespacedDeploymentAsync(
            connection.Namespace, labelSelector: $"{CloneOfLabel}={deployment},{ManagedByLabel}={ManagedBy}", cancellationToken: cancellationToken);
        var result = new SweepResult();
        var now = DateTime.UtcNow;
        foreach (var run in clones.Items.GroupBy(RunOf))
        {
            var names = run.Select(d => d.Metadata.Name).ToList();
            if (run.Key.Length > 0 && run.Key != ownRun && await RunLease.AliveAsync(connection, run.Key, now, cancellationToken) is (true, var why))
            {
                result.Live.Add((run.Key, names, why));
                continue;
            }
            foreach (var name in names)
            {
                if (await DeleteAsync(connection, name, perDeletion, cancellationToken) is { } failed)
                {
                    result.Failed.Add($"{name} ({failed})");
                }
                else
                {
                    result.Deleted.Add(name);
                }
            }
            if (run.Key.Length > 0)
            {
                await TryAsync(() => RunLease.DeleteAsync(connection, run.Key, cancellationToken), perDeletion);
            }
        }
        return result;
    }

    private static string RunOf(V1Deployment clone) =>
        clone.Metadata.Labels is { } labels && labels.TryGetValue(RunLease.RunLabel, out var run) ? run : "";

    /// <summary>
    /// Deletes one clone with its ReplicaSets and pods (in the background, as kubectl does) within
    /// <paramref name="timeout"/>; gone already is fine. Null when deleted, else why not.
    /// </summary>
    public static async Task<string?> DeleteAsync(KubeConnection connection, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            using var own = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            own.CancelAfter(timeout);
            await connection.Client.AppsV1.DeleteNamespacedDeploymentAsync(name, connection.Namespace, propagationPolicy: "Background", cancellationToken: own.Token);
            return null;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException e)
        {
            return $"{(int)e.Response.StatusCode} {e.Response.ReasonPhrase}";
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            return e is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.#} s" : e.Message;
        }
    }

    private static async Task TryAsync(Func<Task> delete, TimeSpan timeout)
    {
        try
        {
            await delete().WaitAsync(timeout);
        }
        catch (Exception e) when (e is TimeoutException or HttpOperationException or HttpRequestException or IOException)
        {
            // A lease left behind lapses on its own and is swept with the next run's clones.
        }
    }
}

/// <summary>What a sweep did: clones deleted, clones it could not delete (and so are still there), live runs' clones left alone.</summary>
public sealed class SweepResult
{
    public List<string> Deleted { get; } = [];

    /// <summary>"NAME (why)" of each clone still there.</summary>
    public List<string> Failed { get; } = [];

    public List<(string Run, List<string> Clones, string Why)> Live { get; } = [];
}
