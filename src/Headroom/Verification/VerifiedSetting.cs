using System.Globalization;
using Headroom.Experiments;
using Headroom.Knobs;
using Headroom.Limits;
using k8s.Models;

namespace Headroom.Verification;

/// <summary>
/// A setting as a container gets it: the memory limit and the environment exactly as the Kubernetes snippet sets it
/// (a <c>resourceFieldRef</c> to <c>limits.memory</c> becomes the limit in bytes, as the kubelet renders it).
/// <see cref="RuntimeLimit"/> names the variable that is the runtime's own limit, if any.
/// </summary>
public sealed record VerifiedSetting(MemoryQuantity Limit, IReadOnlyDictionary<string, string> Environment, RuntimeLimit? RuntimeLimit)
{
    /// <summary>The setting of a recommendation's container snippet.</summary>
    public static VerifiedSetting FromContainer(MemoryQuantity limit, V1Container? container, RuntimeLimit? runtimeLimit)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in container?.Env ?? [])
        {
            environment[variable.Name] = variable.ValueFrom?.ResourceFieldRef is { Resource: "limits.memory" }
                ? limit.Bytes.ToString(CultureInfo.InvariantCulture)
                : variable.Value ?? "";
        }
        return new VerifiedSetting(limit, environment, runtimeLimit);
    }

    /// <summary>The environment as a trial's knob set (values are literal: nothing is templated).</summary>
    public KnobSet Knobs => new("recommended", Environment);

    /// <summary><c>39Mi with DOTNET_GCHeapHardLimit=d0b800</c>, or <c>39Mi with no runtime limit</c>.</summary>
    public string Describe() => Environment.Count == 0
        ? $"{Limit} with no runtime limit"
        : $"{Limit} with {string.Join(", ", Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))}";
}
