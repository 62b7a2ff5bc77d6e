using System.Globalization;
using System.Text.Json.Nodes;
using Headroom.Knobs;
using Headroom.Limits;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// The JSON patches (RFC 6902) the runner sends to a Deployment. Each starts with a <c>test</c> of the container's
/// name at its index, so a Deployment edited meanwhile makes the patch fail instead of changing another container.
/// </summary>
public static class DeploymentPatches
{
    /// <summary>The pod template's annotation that makes every trial roll out a fresh pod, as kubectl rollout restart does.</summary>
    public const string TrialAnnotation = "headroom.dev/trial";

    /// <summary>
    /// One trial's patch: <c>limits.memory</c> and <c>requests.memory</c> = the limit (Guaranteed QoS when CPU is so
    /// too), the env of <see cref="KnobEnvironment.For"/> built from the container's original env (every knob variable
    /// of <paramref name="study"/> but the trial's own taken out), a fresh trial annotation on the pod template, and the
    /// original saved on the Deployment (with <paramref name="run"/>) when it is not saved yet. A <c>test</c> of the
    /// read resourceVersion makes a patch on a Deployment changed since it was read fail instead of overwriting.
    /// </summary>
    public static V1Patch ForTrial(V1Deployment deployment, string container, MemoryQuantity? limit, KnobSet knobs, string trialId,
        IEnumerable<KnobSet>? study = null, string? run = null)
    {
        var (index, spec) = Find(deployment, container);
        var path = $"/spec/template/spec/containers/{index}";
        var ops = new JsonArray { Op("test", $"{path}/name", container) };
        if (deployment.Metadata?.ResourceVersion is { } version)
        {
            ops.Add(Op("test", "/metadata/resourceVersion", version));
        }
        var saved = OriginalContainer.Read(deployment);
        var original = saved is not null && saved.Container == container ? saved : OriginalContainer.From(spec, run);
        var resources = original.Resources is null ? new JsonObject() : original.Resources.DeepClone().AsObject();
        foreach (var part in new[] { "limits", "requests" })
        {
            if (resources[part] is not JsonObject map)
            {
                resources[part] = map = new JsonObject();
            }
            if (limit is { } l)
            {
                map["memory"] = l.ToString();
            }
            else
            {
                map.Remove("memory");
            }
        }
        var env = KnobEnvironment.For(original.Env, container, knobs, limit, study ?? KnobPresets.All);
        if (limit is null && KnobEnvironment.UnlimitedRefusal(env, container) is { } why)
        {
            throw new UserInputException(
                $"refusing an unlimited trial of {knobs.Name} on deployment/{deployment.Metadata?.Name}: {why}; take it out of the Deployment or give the study a knob set that sets it");
        }
        ops.Add(Op("add", $"{path}/resources", resources));
        ops.Add(Op("add", $"{path}/env", env));
        if (deployment.Spec.Template.Metadata?.Annotations is null)
        {
            ops.Add(Op("add", "/spec/template/metadata/annotations", new JsonObject { [TrialAnnotation] = trialId }));
        }
        else
        {
            ops.Add(Op("add", $"/spec/template/metadata/annotations/{Escape(TrialAnnotation)}", trialId));
        }
        if (saved is null)
        {
            var text = original.ToJson();
            ops.Add(deployment.Metadata?.Annotations is null
                ? Op("add", "/metadata/annotations", new JsonObject { [OriginalContainer.Annotation] = text })
                : Op("add", $"/metadata/annotations/{Escape(OriginalContainer.Annotation)}", text));
        }
        return new V1Patch(ops.ToJsonString(), V1Patch.PatchType.JsonPatch);
    }

    /// <summary>
    /// The patch that puts the saved original back and removes the annotations Headroom added; null when the
    /// Deployment holds no saved original (restored already, or never patched).
    /// </summary>
    public static V1Patch? ForRestore(V1Deployment deployment)
    {
        if (OriginalContainer.Read(deployment) is not { } original)
        {
            return null;
        }
        var (index, spec) = Find(deployment, original.Container);
        var path = $"/spec/template/spec/containers/{index}";
        var ops = new JsonArray { Op("test", $"{path}/name", original.Container) };
        if (deployment.Metadata?.ResourceVersion is { } version)
        {
            ops.Add(Op("test", "/metadata/resourceVersion", version));
        }
        ops.Add(original.Resources is null ? Op("add", $"{path}/resources", new JsonObject()) : Op("add", $"{path}/resources", original.Resources.DeepClone()));
        if (original.Env is not null)
        {
            ops.Add(Op("add", $"{path}/env", original.Env.DeepClone()));
        }
        else if (spec.Env is not null)
        {
            ops.Add(Op("remove", $"{path}/env"));
        }
        if (deployment.Spec.Template.Metadata?.Annotations is { } annotations && annotations.ContainsKey(TrialAnnotation))
        {
            // The trial's annotation alone: the map goes with it, as the original had none (the API server omits an
            // empty map; a client that keeps one would show a template that differs from the original).
            ops.Add(annotations.Count == 1
                ? Op("remove", "/spec/template/metadata/annotations")
                : Op("remove", $"/spec/template/metadata/annotations/{Escape(TrialAnnotation)}"));
        }
        ops.Add(Op("remove", $"/metadata/annotations/{Escape(OriginalContainer.Annotation)}"));
        return new V1Patch(ops.ToJsonString(), V1Patch.PatchType.JsonPatch);
    }

    /// <summary>The container's index and spec, or a one-line <see cref="UserInputException"/> naming the containers there are.</summary>
    public static (int Index, V1Container Container) Find(V1Deployment deployment, string container)
    {
        var containers = deployment.Spec?.Template?.Spec?.Containers ?? [];
        for (var i = 0; i < containers.Count; i++)
        {
            if (containers[i].Name == container)
            {
                return (i, containers[i]);
            }
        }
        throw new UserInputException(
            $"deployment/{deployment.Metadata?.Name} has no container '{container}'; its containers: {string.Join(", ", containers.Select(c => c.Name))}");
    }

    private static JsonObject Op(string op, string path, JsonNode? value = null)
    {
        var node = new JsonObject { ["op"] = op, ["path"] = path };
        if (op is "add" or "test" or "replace")
        {
            node["value"] = value;
        }
        return node;
    }

    private static JsonObject Op(string op, string path, string value) => Op(op, path, JsonValue.Create(value));

    /// <summary>JSON Pointer escaping (RFC 6901): <c>~</c> as <c>~0</c>, <c>/</c> as <c>~1</c>.</summary>
    private static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    internal static string NewTrialId(int trial) =>
        string.Create(CultureInfo.InvariantCulture, $"{trial}-{DateTimeOffset.UtcNow:yyyyMMddTHHmmssfff}");
}
