using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Headroom's clones of a Deployment for <c>--parallel</c>: <c>NAME-headroom-I</c>, one replica each, a copy of the
/// pod template whose labels are replaced by Headroom's (so no Service that selects the original's pods routes to a
/// clone), a selector on the clone's own label, a preferred anti-affinity among the clones (so the scheduler spreads
/// them over nodes), and labels that let <see cref="SweepAsync"/> find the clones a killed run left behind.
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
    /// (its <see cref="OriginalContainer"/> annotation) is cloned as it was before that run.
    /// </summary>
    public static V1Deployment Build(V1Deployment original, int index)
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
        template.Metadata.Labels = new Dictionary<string, string> { [CloneLabel] = name, [CloneOfLabel] = source, [ManagedByLabel] = ManagedBy };
        template.Metadata.Annotations?.Remove(DeploymentPatches.TrialAnnotation);
        if (OriginalContainer.Read(original) is { } saved)
        {
            var (_, container) = DeploymentPatches.Find(new V1Deployment { Metadata = original.Metadata, Spec = new V1DeploymentSpec { Template = template } }, saved.Container);
            container.Resources = saved.Resources is null ? null : KubernetesJson.Deserialize<V1ResourceRequirements>(saved.Resources.ToJsonString());
            container.Env = saved.Env is null ? null : KubernetesJson.Deserialize<List<V1EnvVar>>(saved.Env.ToJsonString());
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
                Labels = new Dictionary<string, string> { [CloneOfLabel] = source, [ManagedByLabel] = ManagedBy },
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

    /// <summary>Deletes every clone of <paramref name="deployment"/> (left by a killed run, or this run's); returns their names.</summary>
    public static async Task<IReadOnlyList<string>> SweepAsync(KubeConnection connection, string deployment, CancellationToken cancellationToken)
    {
        var clones = await connection.Client.AppsV1.ListNamespacedDeploymentAsync(
            connection.Namespace, labelSelector: $"{CloneOfLabel}={deployment},{ManagedByLabel}={ManagedBy}", cancellationToken: cancellationToken);
        var names = clones.Items.Select(d => d.Metadata.Name).ToList();
        foreach (var name in names)
        {
            await DeleteAsync(connection, name, cancellationToken);
        }
        return names;
    }

    /// <summary>Deletes one clone with its ReplicaSets and pods (in the background, as kubectl does); gone already is fine.</summary>
    public static async Task DeleteAsync(KubeConnection connection, string name, CancellationToken cancellationToken)
    {
        try
        {
            await connection.Client.AppsV1.DeleteNamespacedDeploymentAsync(name, connection.Namespace, propagationPolicy: "Background", cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Deleted already.
        }
    }
}
