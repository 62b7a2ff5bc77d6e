using YamlDotNet.RepresentationModel;

namespace Headroom.Tests.Podman;

/// <summary>
/// The part of Kustomize that deploy/k8s uses, for machines without <c>kubectl</c>: a kustomization's
/// <c>resources</c> (files or folders with their own kustomization) and its <c>patches</c> /
/// <c>patchesStrategicMerge</c> files, applied as strategic merge patches to the object of the same kind and name.
/// Lists merge by the keys Kubernetes declares for them (containers and env by name, ports by containerPort, ...),
/// other lists are replaced. Any other kustomization field is refused rather than ignored, and
/// <see cref="KustomizationReaderTests"/> checks the output against <c>kubectl kustomize</c> where it is installed.
/// </summary>
internal static class KustomizationReader
{
    private static readonly HashSet<string> s_supportedFields = ["apiVersion", "kind", "resources", "patches", "patchesStrategicMerge"];

    /// <summary>The strategic-merge keys of the lists deploy/k8s patches (from the Kubernetes API's patchMergeKey tags).</summary>
    private static readonly Dictionary<string, string> s_mergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["env"] = "name",
        ["ports"] = "containerPort",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["imagePullSecrets"] = "name",
    };

    /// <summary>The objects the kustomization in <paramref name="directory"/> renders, as one multi-document YAML text.</summary>
    public static string Build(string directory)
    {
        var documents = Render(directory);
        var stream = new YamlStream(documents.Select(d => new YamlDocument(d)));
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static List<YamlMappingNode> Render(string directory)
    {
        var kustomization = LoadSingle(Path.Combine(directory, "kustomization.yaml"));
        foreach (var field in kustomization.Children.Keys.Select(Scalar))
        {
            if (!s_supportedFields.Contains(field))
            {
                throw new NotSupportedException($"{directory}/kustomization.yaml uses '{field}', which this reader does not implement; use kubectl kustomize");
            }
        }
        var objects = new List<YamlMappingNode>();
        foreach (var resource in Strings(kustomization, "resources"))
        {
            var path = Path.GetFullPath(Path.Combine(directory, resource));
            objects.AddRange(Directory.Exists(path) ? Render(path) : LoadAll(path));
        }
        var patchFiles = Entries(kustomization, "patches").Select(p => p is YamlMappingNode m && m.Children.TryGetValue("path", out var file)
                ? Scalar(file)
                : throw new NotSupportedException($"{directory}/kustomization.yaml: only patches given by path are implemented"))
            .Concat(Strings(kustomization, "patchesStrategicMerge"));
        foreach (var file in patchFiles)
        {
            foreach (var patch in LoadAll(Path.Combine(directory, file)))
            {
                var target = objects.SingleOrDefault(o => Identity(o) == Identity(patch))
                    ?? throw new InvalidOperationException($"patch {file} in {directory} matches no resource ({Identity(patch)})");
                Merge(target, patch);
            }
        }
        return objects;
    }

    private static void Merge(YamlMappingNode target, YamlMappingNode patch)
    {
        foreach (var (keyNode, value) in patch.Children)
        {
            var key = Scalar(keyNode);
            if (!target.Children.TryGetValue(keyNode, out var existing))
            {
                target.Children[keyNode] = value;
            }
            else if (existing is YamlMappingNode targetMap && value is YamlMappingNode patchMap)
            {
                Merge(targetMap, patchMap);
            }
            else if (existing is YamlSequenceNode targetList && value is YamlSequenceNode patchList && s_mergeKeys.TryGetValue(key, out var mergeKey))
            {
                MergeList(targetList, patchList, mergeKey);
            }
            else
            {
                target.Children[keyNode] = value;
            }
        }
    }

    private static void MergeList(YamlSequenceNode target, YamlSequenceNode patch, string mergeKey)
    {
        foreach (var item in patch.Children.Cast<YamlMappingNode>())
        {
            var id = Scalar(item.Children[mergeKey]);
            var match = target.Children.Cast<YamlMappingNode>().FirstOrDefault(t => Scalar(t.Children[mergeKey]) == id);
            if (match is null)
            {
                target.Children.Add(item);
            }
            else
            {
                Merge(match, item);
            }
        }
    }

    private static string Identity(YamlMappingNode node) =>
        $"{Scalar(node.Children["kind"])}/{Scalar(((YamlMappingNode)node.Children["metadata"]).Children["name"])}";

    private static IEnumerable<YamlNode> Entries(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var list) ? ((YamlSequenceNode)list).Children : [];

    private static IEnumerable<string> Strings(YamlMappingNode node, string key) => Entries(node, key).Select(Scalar);

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    private static YamlMappingNode LoadSingle(string path) => LoadAll(path).Single();

    private static List<YamlMappingNode> LoadAll(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }
}
