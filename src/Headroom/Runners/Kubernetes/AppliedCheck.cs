using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Whether the trial's pod runs with what the patch asked for. Admission can change a pod after the Deployment's
/// template: a LimitRange gives a container without a limit its default (the unlimited baseline then is not), GKE
/// Autopilot and policy engines raise or set resources, a VPA webhook rewrites requests and limits, a mutating webhook
/// adds env. A trial measured under another limit than its own would put a wrong figure into the study.
/// </summary>
public static class AppliedCheck
{
    /// <summary>What differs between the patched template's container and the pod's (one line), or null when they agree.</summary>
    public static string? NotApplied(V1Deployment patched, V1Pod pod, string container)
    {
        var asked = patched.Spec?.Template?.Spec?.Containers?.FirstOrDefault(c => c.Name == container);
        var got = pod.Spec?.Containers?.FirstOrDefault(c => c.Name == container);
        if (asked is null || got is null)
        {
            return null;
        }
        var differences = new List<string>();
        foreach (var (part, askedMap, gotMap) in new[] { ("limits", asked.Resources?.Limits, got.Resources?.Limits), ("requests", asked.Resources?.Requests, got.Resources?.Requests) })
        {
            var want = Memory(askedMap);
            var have = Memory(gotMap);
            if (want?.ToInt64() != have?.ToInt64())
            {
                differences.Add($"{part}.memory {have?.ToString() ?? "none"} (asked {want?.ToString() ?? "none"})");
            }
        }
        var askedEnv = Env(asked);
        var gotEnv = Env(got);
        foreach (var name in askedEnv.Keys.Union(gotEnv.Keys).Order(StringComparer.Ordinal))
        {
            var want = askedEnv.GetValueOrDefault(name);
            var have = gotEnv.GetValueOrDefault(name);
            if (want != have)
            {
                differences.Add(have is null ? $"env {name} missing" : want is null ? $"env {name} added ({have})" : $"env {name} {have} (asked {want})");
            }
        }
        return differences.Count == 0 ? null : $"pod {pod.Metadata.Name} has {string.Join(", ", differences)}";
    }

    /// <summary>The container's memory limit in the pod, in bytes; null: none.</summary>
    public static long? LimitBytes(V1Pod? pod, string container) =>
        Memory(pod?.Spec?.Containers?.FirstOrDefault(c => c.Name == container)?.Resources?.Limits)?.ToInt64();

    private static ResourceQuantity? Memory(IDictionary<string, ResourceQuantity>? map) =>
        map is not null && map.TryGetValue("memory", out var q) ? q : null;

    /// <summary>Each variable's value or source as JSON text (a <c>resourceFieldRef</c>'s divisor default left as written).</summary>
    private static Dictionary<string, string> Env(V1Container container)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in container.Env ?? [])
        {
            env[variable.Name] = variable.ValueFrom is null
                ? variable.Value ?? ""
                : JsonNode.Parse(KubernetesJson.Serialize(variable.ValueFrom))!.ToJsonString();
        }
        return env;
    }
}
