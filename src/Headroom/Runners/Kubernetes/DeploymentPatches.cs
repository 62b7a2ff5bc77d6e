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
    /// One trial's patch, built from the Deployment's JSON as read (so fields the client library's models do not know
    /// are neither dropped from the patch nor from the saved original): <c>limits.memory</c> and
    /// <c>requests.memory</c> = the limit (Guaranteed QoS when CPU is so too), the env of
    /// <see cref="KnobEnvironment.For"/> built from the container's original env (every knob variable of
    /// <paramref name="study"/> but the trial's own taken out), a fresh trial annotation on the pod template, and every
    /// container's original saved on the Deployment (with <paramref name="run"/>) when it is not saved yet. A
    /// <c>test</c> of the read resourceVersion makes a patch on a Deployment changed since it was read fail instead of
    /// overwriting.
    /// </summary>
    public static V1Patch ForTrial(JsonObject deployment, string container, MemoryQuantity? limit, KnobSet knobs, string trialId,
        IEnumerable<KnobSet>? study = null, string? run = null)
    {
        var name = deployment["metadata"]?["name"]?.GetValue<string>();
        var index = IndexOf(deployment, SavedOriginal.ContainersList, container)
            ?? throw new UserInputException(
                $"deployment/{name} has no container '{container}'; its containers: {string.Join(", ", Names(deployment, SavedOriginal.ContainersList))}");
        var path = $"/spec/template/spec/containers/{index}";
        var ops = new JsonArray { Op("test", $"{path}/name", container) };
        AddResourceVersionTest(deployment, ops);
        var saved = SavedOriginal.Read(deployment);
        var now = SavedOriginal.From(deployment, container, run);
        var original = saved?.Containers.FirstOrDefault(c => c.List == SavedOriginal.ContainersList && c.Name == container) ?? now.Target!;
        var resources = original.Resources is JsonObject savedResources ? savedResources.DeepClone().AsObject() : new JsonObject();
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
                $"refusing an unlimited trial of {knobs.Name} on deployment/{name}: {why}; take it out of the Deployment or give the study a knob set that sets it");
        }
        ops.Add(Op("add", $"{path}/resources", resources));
        ops.Add(Op("add", $"{path}/env", env));
        var template = deployment["spec"]?["template"];
        if (template?["metadata"] is not JsonObject)
        {
            ops.Add(Op("add", "/spec/template/metadata", new JsonObject { ["annotations"] = new JsonObject { [TrialAnnotation] = trialId } }));
        }
        else if (template["metadata"]!["annotations"] is not JsonObject)
        {
            ops.Add(Op("add", "/spec/template/metadata/annotations", new JsonObject { [TrialAnnotation] = trialId }));
        }
        else
        {
            ops.Add(Op("add", $"/spec/template/metadata/annotations/{Escape(TrialAnnotation)}", trialId));
        }
        if (saved is null)
        {
            var text = now.ToJson();
            ops.Add(deployment["metadata"]?["annotations"] is not JsonObject
                ? Op("add", "/metadata/annotations", new JsonObject { [SavedOriginal.Annotation] = text })
                : Op("add", $"/metadata/annotations/{Escape(SavedOriginal.Annotation)}", text));
        }
        return new V1Patch(ops.ToJsonString(), V1Patch.PatchType.JsonPatch);
    }

    /// <summary>
    /// The patch that puts every saved container's <c>resources</c> and <c>env</c> back as they were (a field the
    /// container did not have is taken out again) and removes the annotations Headroom added; null when the Deployment
    /// holds no saved original (restored already, or never patched). A container no longer in the Deployment is left out.
    /// </summary>
    public static V1Patch? ForRestore(JsonObject deployment)
    {
        if (SavedOriginal.Read(deployment) is not { } original)
        {
            return null;
        }
        var ops = new JsonArray();
        AddResourceVersionTest(deployment, ops);
        foreach (var saved in original.Containers)
        {
            if (IndexOf(deployment, saved.List, saved.Name) is not { } index)
            {
                continue;
            }
            var path = $"/spec/template/spec/{saved.List}/{index}";
            var now = deployment["spec"]!["template"]!["spec"]![saved.List]![index]!.AsObject();
            ops.Add(Op("test", $"{path}/name", saved.Name));
            foreach (var (field, value) in new[] { ("resources", saved.Resources), ("env", (JsonNode?)saved.Env) })
            {
                if (value is not null)
                {
                    ops.Add(Op("add", $"{path}/{field}", value.DeepClone()));
                }
                else if (now.ContainsKey(field))
                {
                    ops.Add(Op("remove", $"{path}/{field}"));
                }
            }
        }
        if (deployment["spec"]?["template"]?["metadata"]?["annotations"] is JsonObject annotations && annotations.ContainsKey(TrialAnnotation))
        {
            // The trial's annotation alone: the map goes with it, as the original had none (the API server omits an
            // empty map; a client that keeps one would show a template that differs from the original).
            ops.Add(annotations.Count == 1
                ? Op("remove", "/spec/template/metadata/annotations")
                : Op("remove", $"/spec/template/metadata/annotations/{Escape(TrialAnnotation)}"));
        }
        ops.Add(Op("remove", $"/metadata/annotations/{Escape(SavedOriginal.Annotation)}"));
        return new V1Patch(ops.ToJsonString(), V1Patch.PatchType.JsonPatch);
    }

    private static void AddResourceVersionTest(JsonObject deployment, JsonArray ops)
    {
        if (deployment["metadata"]?["resourceVersion"]?.GetValue<string>() is { } version)
        {
            ops.Add(Op("test", "/metadata/resourceVersion", version));
        }
    }

    /// <summary>The index of the container named <paramref name="name"/> in the pod template's <paramref name="list"/>, or null.</summary>
    private static int? IndexOf(JsonObject deployment, string list, string name)
    {
        var names = Names(deployment, list);
        var index = Array.IndexOf(names, name);
        return index < 0 ? null : index;
    }

    private static string?[] Names(JsonObject deployment, string list) =>
        [.. (deployment["spec"]?["template"]?["spec"]?[list] as JsonArray ?? []).Select(c => c?["name"]?.GetValue<string>())];

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
