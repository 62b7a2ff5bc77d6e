using Headroom.Limits;
using k8s;
using k8s.Models;

namespace Headroom.Experiments;

/// <summary>
/// The recommendation as a Kubernetes container (the official client's <see cref="V1Container"/>): memory request =
/// limit, the runtime limit and the paying knobs in <c>env</c>, serialised with <see cref="KubernetesYaml"/> so it is
/// exactly what the API server accepts.
/// </summary>
public static class ContainerSnippet
{
    public static V1Container Build(string name, string? image, MemoryQuantity limit, RuntimeLimit? runtimeLimit, IReadOnlyDictionary<string, string> extraEnv)
    {
        var memory = new Dictionary<string, ResourceQuantity> { ["memory"] = new(limit.ToKubernetes()) };
        var env = new List<V1EnvVar>();
        if (runtimeLimit is { } r)
        {
            env.Add(r.FromResourceField
                ? new V1EnvVar
                {
                    Name = r.Variable,
                    ValueFrom = new V1EnvVarSource { ResourceFieldRef = new V1ResourceFieldSelector { Resource = "limits.memory" } },
                }
                : new V1EnvVar { Name = r.Variable, Value = r.Value });
        }
        env.AddRange(extraEnv.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new V1EnvVar { Name = kv.Key, Value = kv.Value }));
        return new V1Container
        {
            Name = name,
            Image = image,
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity>(memory),
                Limits = new Dictionary<string, ResourceQuantity>(memory),
            },
            Env = env.Count == 0 ? null : env,
        };
    }

    public static string ToYaml(V1Container container) => KubernetesYaml.Serialize(container);
}
