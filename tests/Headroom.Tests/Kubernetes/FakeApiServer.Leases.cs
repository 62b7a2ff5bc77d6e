using System.Text.Json.Nodes;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// <c>coordination.k8s.io/v1</c> Leases as the API server stores them: create (409 AlreadyExists for a taken name), get
/// (404 NotFound), a JSON merge patch (RFC 7386: objects merged, other values replaced) and delete; spec.renewTime is a
/// MicroTime (RFC 3339 with microseconds), as the client writes it.
/// </summary>
internal sealed partial class FakeApiServer
{
    private const string LeasesPath = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
    private readonly Dictionary<string, JsonObject> _leases = [];

    /// <summary>The leases stored now, by name.</summary>
    public IReadOnlyDictionary<string, JsonObject> Leases
    {
        get
        {
            lock (_lock)
            {
                return _leases.ToDictionary(l => l.Key, l => l.Value.DeepClone().AsObject());
            }
        }
    }

    /// <summary>Stores a lease as another run (alive or killed) left it.</summary>
    public void AddLease(string name, string holder, DateTime renewed, int seconds = 60)
    {
        lock (_lock)
        {
            _leases[name] = new JsonObject
            {
                ["apiVersion"] = "coordination.k8s.io/v1",
                ["kind"] = "Lease",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
                ["spec"] = new JsonObject
                {
                    ["holderIdentity"] = holder,
                    ["leaseDurationSeconds"] = seconds,
                    ["renewTime"] = renewed.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture),
                },
            };
        }
    }

    /// <summary>Called under the lock; null when the path is not a lease's.</summary>
    private (int Status, string Body)? LeasesApi(string method, string path, string body)
    {
        if (path == LeasesPath && method == "POST")
        {
            var lease = JsonNode.Parse(body)!.AsObject();
            var name = lease["metadata"]!["name"]!.GetValue<string>();
            if (_leases.ContainsKey(name))
            {
                return (409, Status(409, $"leases.coordination.k8s.io \"{name}\" already exists"));
            }
            lease["metadata"]!["namespace"] = "default";
            _leases[name] = lease;
            return (201, lease.ToJsonString());
        }
        if (!path.StartsWith(LeasesPath + "/", StringComparison.Ordinal))
        {
            return null;
        }
        var key = path[(LeasesPath.Length + 1)..];
        if (!_leases.TryGetValue(key, out var stored))
        {
            return (404, Status(404, $"leases.coordination.k8s.io \"{key}\" not found"));
        }
        switch (method)
        {
            case "GET":
                return (200, stored.ToJsonString());
            case "PATCH":
                Merge(stored, JsonNode.Parse(body)!.AsObject());
                return (200, stored.ToJsonString());
            case "DELETE":
                _leases.Remove(key);
                return (200, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Success", ["code"] = 200 }.ToJsonString());
            default:
                return (405, Status(405, $"{method} {path}"));
        }
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is JsonObject inner && target[key] is JsonObject existing)
            {
                Merge(existing, inner);
            }
            else if (value is null)
            {
                target.Remove(key);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }
}
