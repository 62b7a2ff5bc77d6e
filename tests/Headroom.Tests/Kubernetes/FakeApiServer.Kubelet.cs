using System.Globalization;
using System.Text.Json.Nodes;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// The node's kubelet as the API server proxies it: <c>GET /api/v1/nodes/NODE/proxy/stats/summary</c> answers the
/// Summary API (k8s.io/kubelet/pkg/apis/stats/v1alpha1/types.go: <c>node</c>, and <c>pods[]</c> with <c>podRef</c>
/// {name, namespace, uid} and <c>containers[]</c> whose <c>memory</c> has time, usageBytes, workingSetBytes, rssBytes,
/// pageFaults, majorPageFaults). The proxy's path is matched decoded, as the API server's Go router sees it. Beside the
/// trial's pod the node runs another pod (kube-proxy), which the runner must not read.
/// </summary>
internal sealed partial class FakeApiServer
{
    private readonly List<long> _summaryUsages = [];

    /// <summary>Whether the node proxy serves the kubelet's summary (RBAC grants get on nodes/proxy); otherwise 403.</summary>
    public bool SummaryServed { get; set; }

    /// <summary>The container's image is <c>FROM scratch</c>: exec finds no <c>cat</c> (nor anything else).</summary>
    public bool ScratchImage { get; set; }

    /// <summary>The first this many execs never answer (a stuck exec): the runner must time them out and go on.</summary>
    public int ExecsThatHang { get; set; }

    private int _execs;

    /// <summary>Every container usage (bytes) the summary served for the trial's container.</summary>
    public IReadOnlyList<long> SummaryUsagesServed
    {
        get
        {
            lock (_lock)
            {
                return [.. _summaryUsages];
            }
        }
    }

    /// <summary>Whether this exec is one of the first <see cref="ExecsThatHang"/> (counted as it is asked).</summary>
    internal bool NextExecHangs()
    {
        lock (_lock)
        {
            return ++_execs <= ExecsThatHang;
        }
    }

    private (int Status, string Body)? KubeletApi(string method, string path, string podName)
    {
        const string summaryPath = "/api/v1/nodes/kind-control-plane/proxy/stats/summary";
        if (method != "GET" || Uri.UnescapeDataString(path) != summaryPath)
        {
            return null;
        }
        if (!SummaryServed)
        {
            return (403, Status(403, "nodes \"kind-control-plane\" is forbidden: User \"system:serviceaccount:default:headroom\" cannot get resource \"nodes/proxy\" in API group \"\" at the cluster scope"));
        }
        var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var pods = new JsonArray(SummaryPod("kube-proxy-9xq2m", "kube-system", "kube-proxy", 18L * 1024 * 1024, now));
        if (PodExists && !_killed && !_evicted && !Unschedulable)
        {
            var usage = 24L * 1024 * 1024 + Math.Min(_work, 400) * 48L * 1024;
            _summaryUsages.Add(usage);
            pods.Add(SummaryPod(podName, "default", "sales-api", usage, now));
        }
        var summary = new JsonObject
        {
            ["node"] = new JsonObject { ["nodeName"] = "kind-control-plane", ["startTime"] = "2026-12-01T22:04:11Z" },
            ["pods"] = pods,
        };
        return (200, summary.ToJsonString());
    }

    /// <summary>A pod's entry: RSS is two thirds of usage, the working set nine tenths, 3 major faults per 100 requests.</summary>
    private JsonObject SummaryPod(string name, string ns, string container, long usage, string now) => new()
    {
        ["podRef"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = $"uid-{name}" },
        ["startTime"] = "2026-12-02T03:00:00Z",
        ["containers"] = new JsonArray(new JsonObject
        {
            ["name"] = container,
            ["startTime"] = "2026-12-02T03:00:01Z",
            ["memory"] = new JsonObject
            {
                ["time"] = now,
                ["availableBytes"] = 64L * 1024 * 1024 - usage,
                ["usageBytes"] = usage,
                ["workingSetBytes"] = usage / 10 * 9,
                ["rssBytes"] = usage / 3 * 2,
                ["pageFaults"] = 14200 + _work,
                ["majorPageFaults"] = _work / 100 * 3,
            },
        }),
    };
}
