using System.Text.Json.Nodes;

namespace Headroom.Tests.Kubernetes;

/// <summary>Applies an RFC 6902 JSON patch as the API server does (test, add, remove, replace); a failed op throws.</summary>
internal static class JsonPatchDocument
{
    public static void Apply(JsonNode root, JsonArray ops)
    {
        foreach (var op in ops.Select(o => o!.AsObject()))
        {
            var segments = op["path"]!.GetValue<string>().Split('/').Skip(1).Select(s => s.Replace("~1", "/").Replace("~0", "~")).ToArray();
            var parent = segments[..^1].Aggregate(root, (node, key) => Child(node, key) ?? throw new InvalidOperationException($"no {key} in {op["path"]}"));
            var last = segments[^1];
            var value = op["value"]?.DeepClone();
            switch (op["op"]!.GetValue<string>())
            {
                case "test":
                    if (Child(parent, last)?.ToJsonString() != value?.ToJsonString())
                    {
                        throw new InvalidOperationException($"test failed at {op["path"]}");
                    }
                    break;
                case "add" or "replace":
                    if (parent is JsonArray array)
                    {
                        if (last == "-")
                        {
                            array.Add(value);
                        }
                        else
                        {
                            array.Insert(int.Parse(last), value);
                        }
                    }
                    else
                    {
                        parent.AsObject()[last] = value;
                    }
                    break;
                case "remove":
                    if (parent is JsonArray list)
                    {
                        list.RemoveAt(int.Parse(last));
                    }
                    else if (!parent.AsObject().Remove(last))
                    {
                        throw new InvalidOperationException($"nothing to remove at {op["path"]}");
                    }
                    break;
                default:
                    throw new InvalidOperationException($"op {op["op"]} is not supported");
            }
        }
    }

    private static JsonNode? Child(JsonNode node, string key) =>
        node is JsonArray array ? array[int.Parse(key)] : node.AsObject()[key];
}
