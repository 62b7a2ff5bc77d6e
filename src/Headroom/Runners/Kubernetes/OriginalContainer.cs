using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// The container's <c>resources</c> and <c>env</c> as they were before the first trial, kept as JSON in the
/// Deployment's <c>headroom.dev/original</c> annotation so a restore works after a crash, from any machine.
/// <see cref="Run"/> names the run that saved it (null in annotations of Headroom before runs had ids): another run
/// finding it knows the Deployment is patched by someone else.
/// </summary>
public sealed record OriginalContainer(string Container, JsonNode? Resources, JsonArray? Env, string? Run = null)
{
    public const string Annotation = "headroom.dev/original";

    public static OriginalContainer From(V1Container container, string? run = null) => new(
        container.Name,
        container.Resources is null ? null : JsonNode.Parse(KubernetesJson.Serialize(container.Resources)),
        container.Env is null ? null : JsonNode.Parse(KubernetesJson.Serialize(container.Env))!.AsArray(),
        run);

    public string ToJson() => new JsonObject
    {
        ["container"] = Container,
        ["resources"] = Resources?.DeepClone(),
        ["env"] = Env?.DeepClone(),
        ["run"] = Run,
    }.ToJsonString();

    /// <summary>The saved original on <paramref name="deployment"/>, or null when there is none (nothing to restore).</summary>
    public static OriginalContainer? Read(V1Deployment deployment)
    {
        if (deployment.Metadata?.Annotations is not { } annotations || !annotations.TryGetValue(Annotation, out var text))
        {
            return null;
        }
        try
        {
            var node = JsonNode.Parse(text)!.AsObject();
            return new OriginalContainer(
                node["container"]!.GetValue<string>(),
                node["resources"]?.DeepClone(),
                node["env"]?.DeepClone().AsArray(),
                node["run"]?.GetValue<string>());
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new UserInputException(
                $"the {Annotation} annotation on deployment/{deployment.Metadata.Name} is not Headroom's JSON ({e.Message}); restore the container by hand and remove the annotation");
        }
    }
}
