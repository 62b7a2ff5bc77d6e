using System.Text.Json.Nodes;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// Services in the namespace, as <c>GET /api/v1/namespaces/NS/services</c> lists them (a ServiceList; each Service's
/// <c>spec.selector</c> a plain label map, absent for one without a selector such as an ExternalName Service).
/// </summary>
internal sealed partial class FakeApiServer
{
    private const string ServicesPath = "/api/v1/namespaces/default/services";
    private readonly List<JsonObject> _services = [];

    /// <summary>Whether listing Services is forbidden (a Role without list on services).</summary>
    public bool ForbidServices { get; set; }

    /// <summary>Adds a Service selecting <paramref name="selector"/> (null: none, as an ExternalName Service).</summary>
    public void AddService(string name, IReadOnlyDictionary<string, string>? selector, string type = "ClusterIP")
    {
        var spec = new JsonObject { ["type"] = type, ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["targetPort"] = 3000, ["protocol"] = "TCP" }) };
        if (selector is not null)
        {
            spec["selector"] = new JsonObject([.. selector.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))]);
        }
        else if (type == "ExternalName")
        {
            spec.Remove("ports");
            spec["externalName"] = "sales.example.com";
        }
        lock (_lock)
        {
            _services.Add(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["resourceVersion"] = "311" },
                ["spec"] = spec,
            });
        }
    }

    /// <summary>Called under the lock; null when the path is not the Services list.</summary>
    private (int Status, string Body)? ServicesApi(string method, string path) => (method, path) switch
    {
        ("GET", ServicesPath) when ForbidServices => (403, Status(403,
            "services is forbidden: User \"system:serviceaccount:default:headroom\" cannot list resource \"services\" in API group \"\" in the namespace \"default\"")),
        ("GET", ServicesPath) => (200, List("ServiceList", [.. _services.Select(s => s.DeepClone().AsObject())])),
        _ => null,
    };
}
