using System.Text.Json.Nodes;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// HorizontalPodAutoscalers in the namespace, as <c>GET /apis/autoscaling/v2/namespaces/NS/horizontalpodautoscalers</c>
/// lists them (a HorizontalPodAutoscalerList; each one's <c>spec.scaleTargetRef</c> names its target by kind and name,
/// and a Resource metric's target is an average utilization, a percentage of the pods' request).
/// </summary>
internal sealed partial class FakeApiServer
{
    private const string AutoscalersPath = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers";
    private readonly List<JsonObject> _autoscalers = [];

    /// <summary>Whether listing HorizontalPodAutoscalers is forbidden (a Role without list on them).</summary>
    public bool ForbidAutoscalers { get; set; }

    /// <summary>Adds an autoscaler of <paramref name="kind"/>/<paramref name="target"/> on memory utilization.</summary>
    public void AddAutoscaler(string name, string kind, string target)
    {
        lock (_lock)
        {
            _autoscalers.Add(new JsonObject
            {
                ["apiVersion"] = "autoscaling/v2",
                ["kind"] = "HorizontalPodAutoscaler",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["resourceVersion"] = "412" },
                ["spec"] = new JsonObject
                {
                    ["scaleTargetRef"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = kind, ["name"] = target },
                    ["minReplicas"] = 1,
                    ["maxReplicas"] = 5,
                    ["metrics"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "Resource",
                        ["resource"] = new JsonObject
                        {
                            ["name"] = "memory",
                            ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = 80 },
                        },
                    }),
                },
            });
        }
    }

    /// <summary>Called under the lock; null when the path is not the HorizontalPodAutoscalers list.</summary>
    private (int Status, string Body)? AutoscalersApi(string method, string path) => (method, path) switch
    {
        ("GET", AutoscalersPath) when ForbidAutoscalers => (403, Status(403,
            "horizontalpodautoscalers.autoscaling is forbidden: User \"system:serviceaccount:default:headroom\" cannot list resource \"horizontalpodautoscalers\" in API group \"autoscaling\" in the namespace \"default\"")),
        ("GET", AutoscalersPath) => (200, List("HorizontalPodAutoscalerList", [.. _autoscalers.Select(a => a.DeepClone().AsObject())])),
        _ => null,
    };
}
