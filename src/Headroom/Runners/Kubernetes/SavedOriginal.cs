using System.Text.Json.Nodes;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// One container's <c>resources</c> and <c>env</c> as they were before the first trial, as the API server sent them
/// (raw JSON: fields the client library's models do not know are kept). <see cref="List"/> is the pod spec's list it is
/// in (<c>containers</c> or <c>initContainers</c>); a null <see cref="Resources"/> or <see cref="Env"/> is a field the
/// container did not have (restored by taking it out again).
/// </summary>
public sealed record SavedContainer(string List, string Name, JsonNode? Resources, JsonArray? Env);

/// <summary>
/// What Headroom saves in the Deployment's <c>headroom.dev/original</c> annotation before the first patch, so a restore
/// works after a crash, from any machine: every container's and init container's <c>resources</c> and <c>env</c>
/// (<see cref="Containers"/>), not only the patched one's, so a restore puts the whole pod template back as it was and a
/// later run on another container of the same Deployment finds that one's original too. <see cref="Container"/> is the
/// container the run patches; <see cref="Run"/> names the run (null in annotations of Headroom before runs had ids).
/// The annotation also keeps the patched container's fields at its top level, as Headroom before this wrote it (and
/// reads it): an annotation of either kind is read.
/// </summary>
public sealed record SavedOriginal(string Container, IReadOnlyList<SavedContainer> Containers, string? Run = null)
{
    public const string Annotation = "headroom.dev/original";

    public const string ContainersList = "containers";
    public const string InitContainersList = "initContainers";

    /// <summary>The patched container's original (null only in a hand-edited annotation).</summary>
    public SavedContainer? Target => Containers.FirstOrDefault(c => c.List == ContainersList && c.Name == Container);

    /// <summary>Every container of <paramref name="deployment"/> (its JSON as read) as it is now; <paramref name="container"/> is the one patched.</summary>
    public static SavedOriginal From(JsonObject deployment, string container, string? run = null)
    {
        var spec = deployment["spec"]?["template"]?["spec"];
        var saved = new List<SavedContainer>();
        foreach (var list in new[] { InitContainersList, ContainersList })
        {
            foreach (var entry in (spec?[list] as JsonArray ?? []).OfType<JsonObject>())
            {
                saved.Add(new SavedContainer(list, entry["name"]?.GetValue<string>() ?? "",
                    entry["resources"]?.DeepClone(), entry["env"]?.DeepClone() as JsonArray));
            }
        }
        return new SavedOriginal(container, saved, run);
    }

    public string ToJson()
    {
        var target = Target;
        return new JsonObject
        {
            ["container"] = Container,
            ["resources"] = target?.Resources?.DeepClone(),
            ["env"] = target?.Env?.DeepClone(),
            ["run"] = Run,
            ["containers"] = new JsonArray([.. Containers.Select(c => new JsonObject
            {
                ["list"] = c.List,
                ["name"] = c.Name,
                ["resources"] = c.Resources?.DeepClone(),
                ["env"] = c.Env?.DeepClone(),
            })]),
        }.ToJsonString();
    }

    /// <summary>The saved original on <paramref name="deployment"/>, or null when there is none (nothing to restore).</summary>
    public static SavedOriginal? Read(V1Deployment deployment) => Read(deployment.Metadata?.Annotations, deployment.Metadata?.Name);

    /// <summary>As <see cref="Read(V1Deployment)"/>, from the Deployment's JSON.</summary>
    public static SavedOriginal? Read(JsonObject deployment) =>
        Read(deployment["metadata"]?["annotations"] is JsonObject annotations
            ? annotations.Where(a => a.Value is JsonValue).ToDictionary(a => a.Key, a => a.Value!.GetValue<string>())
            : null,
            deployment["metadata"]?["name"]?.GetValue<string>());

    private static SavedOriginal? Read(IDictionary<string, string>? annotations, string? name)
    {
        if (annotations is null || !annotations.TryGetValue(Annotation, out var text))
        {
            return null;
        }
        try
        {
            var node = JsonNode.Parse(text)!.AsObject();
            var container = node["container"]!.GetValue<string>();
            var containers = node["containers"] is JsonArray all
                ? all.Select(c => new SavedContainer(c!["list"]!.GetValue<string>(), c["name"]!.GetValue<string>(),
                    c["resources"]?.DeepClone(), c["env"]?.DeepClone().AsArray())).ToList()
                // Headroom before every container was saved: the patched one only.
                : [new SavedContainer(ContainersList, container, node["resources"]?.DeepClone(), node["env"]?.DeepClone().AsArray())];
            return new SavedOriginal(container, containers, node["run"]?.GetValue<string>());
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new UserInputException(
                $"the {Annotation} annotation on deployment/{name} is not Headroom's JSON ({e.Message}); restore the containers by hand and remove the annotation");
        }
    }
}
