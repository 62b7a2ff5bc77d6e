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

    /// <summary>
    /// After this many reads of memory.events a process in the container other than its main one is OOM-killed at the
    /// limit: the file says <c>oom 1, oom_kill 1</c> from then on, the container runs on (no restart, no reason).
    /// Counted in reads, not requests, so the runner's first reading comes before it whatever the load's pace.
    /// </summary>
    public int? OtherProcessOomAfterReads { get; set; }

    private int _eventsReads;

    /// <summary>The OOM kill of <see cref="OomAfterRequests"/> is the node's OOM killer's: the kubelet records SystemOOM on the Node.</summary>
    public bool NodeOom { get; set; }

    /// <summary>
    /// After this many requests the kubelet kills the container for failing its liveness probe (exit 137, reason
    /// Error, a Killing and an Unhealthy event), its usage at 95% of the limit.
    /// </summary>
    public int? LivenessKillAfterRequests { get; set; }

    private bool _livenessKilled;

    /// <summary>memory.events as the kernel writes it (Documentation/admin-guide/cgroup-v2.rst: oom, oom_kill, oom_group_kill).</summary>
    private string MemoryEvents() => OtherProcessOomAfterReads is { } n && ++_eventsReads > n
        ? "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n"
        : "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n";

    /// <summary>The SystemOOM event the kubelet's OOM watcher records on its Node (pkg/kubelet/oom/oom_watcher_linux.go).</summary>
    private static JsonObject SystemOomEvent() => new()
    {
        ["metadata"] = new JsonObject { ["name"] = "kind-control-plane.187a2d0c4e1f3a27", ["namespace"] = "default" },
        ["involvedObject"] = new JsonObject { ["kind"] = "Node", ["name"] = "kind-control-plane", ["uid"] = "kind-control-plane" },
        ["reason"] = "SystemOOM",
        ["message"] = "System OOM encountered, victim process: sales-api, pid: 48213",
        ["source"] = new JsonObject { ["component"] = "kubelet", ["host"] = "kind-control-plane" },
        ["firstTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["lastTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["count"] = 1,
        ["type"] = "Warning",
    };

    /// <summary>The kubelet's events for a liveness kill (pkg/kubelet/prober/prober.go, kuberuntime_container.go's killContainer).</summary>
    private static IEnumerable<JsonObject> LivenessEvents() =>
    [
        LivenessEvent("Unhealthy", "Liveness probe failed: Get \"http://10.244.0.7:3000/ready\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", 3),
        LivenessEvent("Killing", "Container sales-api failed liveness probe, will be restarted", 1),
    ];

    private static JsonObject LivenessEvent(string reason, string message, int count) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = $"pod.187a2d0c{reason.Length}e1f3a2", ["namespace"] = "default" },
        ["involvedObject"] = new JsonObject { ["kind"] = "Pod", ["name"] = "pod", ["fieldPath"] = "spec.containers{sales-api}" },
        ["reason"] = reason,
        ["message"] = message,
        ["source"] = new JsonObject { ["component"] = "kubelet", ["host"] = "kind-control-plane" },
        ["lastTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["count"] = count,
        ["type"] = reason == "Killing" ? "Normal" : "Warning",
    };

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
        if (method == "GET" && path == "/api/v1/nodes/kind-control-plane")
        {
            // The Node's status.nodeInfo as the kubelet reports it (a kind node on an Ubuntu host).
            return (200, new JsonObject
            {
                ["kind"] = "Node",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject { ["name"] = "kind-control-plane" },
                ["status"] = new JsonObject
                {
                    ["nodeInfo"] = new JsonObject
                    {
                        ["kernelVersion"] = "6.8.0-1017-azure",
                        ["osImage"] = "Debian GNU/Linux 12 (bookworm)",
                        ["containerRuntimeVersion"] = "containerd://1.7.18",
                        ["kubeletVersion"] = "v1.31.0",
                        ["operatingSystem"] = "linux",
                        ["architecture"] = "amd64",
                    },
                },
            }.ToJsonString());
        }
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
            var usage = LivenessKillAfterRequests is null ? 24L * 1024 * 1024 + Math.Min(_work, 400) * 48L * 1024 : CurrentLimit() / 100 * 95;
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
