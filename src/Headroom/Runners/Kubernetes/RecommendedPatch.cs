using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// A study's recommended container applied to a Deployment's container: memory limit and request from the
/// recommendation (other resources, e.g. CPU, kept), its env set by name (other variables kept). Given as a JSON patch
/// with a <c>test</c> of the container's name, and as a diff of the container's <c>resources</c> and <c>env</c>.
/// </summary>
public sealed record RecommendedPatch(string Deployment, string Container, V1Patch Patch, string Diff, bool Changes)
{
    public static RecommendedPatch Build(V1Deployment deployment, string container, V1Container recommended)
    {
        var (index, current) = DeploymentPatches.Find(deployment, container);
        var resources = current.Resources is null ? new JsonObject() : JsonNode.Parse(KubernetesJson.Serialize(current.Resources))!.AsObject();
        foreach (var (part, values) in new[] { ("limits", recommended.Resources?.Limits), ("requests", recommended.Resources?.Requests) })
        {
            if (values?.TryGetValue("memory", out var memory) != true)
            {
                continue;
            }
            if (resources[part] is not JsonObject map)
            {
                resources[part] = map = new JsonObject();
            }
            map["memory"] = memory!.ToString();
        }
        var env = current.Env is null ? new JsonArray() : JsonNode.Parse(KubernetesJson.Serialize(current.Env))!.AsArray();
        foreach (var variable in recommended.Env ?? [])
        {
            var entry = JsonNode.Parse(KubernetesJson.Serialize(variable))!;
            var at = env.Select((e, i) => (e, i)).FirstOrDefault(x => x.e?["name"]?.GetValue<string>() == variable.Name, (null, -1)).Item2;
            if (at >= 0)
            {
                env[at] = entry;
            }
            else
            {
                env.Add(entry);
            }
        }
        var path = $"/spec/template/spec/containers/{index}";
        var ops = new JsonArray
        {
            new JsonObject { ["op"] = "test", ["path"] = $"{path}/name", ["value"] = container },
            new JsonObject { ["op"] = "add", ["path"] = $"{path}/resources", ["value"] = resources },
            new JsonObject { ["op"] = "add", ["path"] = $"{path}/env", ["value"] = env },
        };
        var before = Yaml(current.Resources, current.Env);
        var after = Yaml(KubernetesJson.Deserialize<V1ResourceRequirements>(resources.ToJsonString()),
            KubernetesJson.Deserialize<List<V1EnvVar>>(env.ToJsonString()));
        return new RecommendedPatch(deployment.Metadata.Name, container, new V1Patch(ops.ToJsonString(), V1Patch.PatchType.JsonPatch),
            LineDiff.Unified(before, after), before != after);
    }

    private static string Yaml(V1ResourceRequirements? resources, IList<V1EnvVar>? env) =>
        KubernetesYaml.Serialize(new V1Container { Name = "", Resources = resources, Env = env is { Count: > 0 } ? env : null })
            .Replace("name: \"\"\n", "", StringComparison.Ordinal).Replace("name: ''\n", "", StringComparison.Ordinal);

    /// <summary>The patch as <c>kubectl patch</c> takes it.</summary>
    public string KubectlCommand(string ns) =>
        $"kubectl -n {ns} patch deployment {Deployment} --type json -p '{(string)Patch.Content}'";
}

/// <summary>A line diff (longest common subsequence): unchanged lines with two spaces, removed with '-', added with '+'.</summary>
public static class LineDiff
{
    public static string Unified(string before, string after)
    {
        var a = before.TrimEnd('\n').Split('\n');
        var b = after.TrimEnd('\n').Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        var lines = new List<string>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add("  " + a[x++]);
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                lines.Add("- " + a[x++]);
            }
            else
            {
                lines.Add("+ " + b[y++]);
            }
        }
        return string.Join('\n', lines) + "\n";
    }
}
