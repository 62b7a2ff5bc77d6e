using System.Text.Json;
using System.Text.Json.Nodes;
using Headroom.Cgroups;
using Headroom.Memory;
using Headroom.Trials;
using k8s;
using k8s.Autorest;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Reads the container's memory from its node's kubelet, through the API server's node proxy
/// (<c>GET /api/v1/nodes/NODE/proxy/stats/summary</c>, the Summary API of
/// <c>k8s.io/kubelet/pkg/apis/stats/v1alpha1</c>): usage, working set, RSS and major page faults per container, with
/// nothing run inside it, so it works for a <c>FROM scratch</c> image and is not charged to the container's cgroup. The
/// kubelet refreshes these figures on its own housekeeping (about every 10 s), so a reading is counted only when its
/// <c>memory.time</c> is new. Refused (no <c>get</c> on <c>nodes/proxy</c>, a cluster-scoped grant) ends the sampling
/// with a <see cref="Note"/>; other failures are retried at the next tick.
/// </summary>
public sealed class PodSummarySampler(KubeConnection connection, string node, string pod, string container, TimeSpan interval) : IAsyncDisposable
{
    private readonly BackgroundLoop _loop = new();
    private readonly HashSet<DateTime> _times = [];
    private CgroupMemoryReading? _latest;
    private long? _peak;

    public const string Source = "kubelet summary API (nodes/proxy stats/summary)";

    /// <summary>The last reading; null before the first, or while the container has no stats (restarting).</summary>
    public CgroupMemoryReading? Latest => Volatile.Read(ref _latest);

    public string? Note { get; private set; }

    /// <summary>How many distinct kubelet readings (by their <c>memory.time</c>) were seen.</summary>
    public int Readings
    {
        get
        {
            lock (_times)
            {
                return _times.Count;
            }
        }
    }

    public void Start(CancellationToken cancellationToken) => _loop.Poll(interval, ReadAsync, cancellationToken);

    /// <summary>Completes at the first answer: a reading, or a note that says why there is none.</summary>
    public Task FirstAnswer => _loop.FirstAnswer;

    /// <summary>The highest usage the kubelet reported, in how many readings.</summary>
    public MemorySourcePeak Peak() => new(Source, _peak, Readings, Note ?? (Readings == 0 ? "no kubelet reading before the trial ended" : null));

    /// <summary>One read; false when the API server refuses the proxy to us (stop asking).</summary>
    private async Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        JsonNode? summary;
        try
        {
            await using var stream = await connection.Client.CoreV1.ConnectGetNodeProxyWithPathAsync(node, "stats/summary", cancellationToken: cancellationToken);
            summary = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.Unauthorized)
        {
            Note = $"the kubelet's summary refused ({(int)e.Response.StatusCode}): grant get on nodes/proxy (deploy/k8s/rbac/node-stats)";
            return false;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or JsonException)
        {
            Note = $"the last kubelet summary read failed: {e.Message}";
            return true;
        }
        var memory = summary?["pods"]?.AsArray()
            .FirstOrDefault(p => p?["podRef"]?["name"]?.GetValue<string>() == pod && p["podRef"]?["namespace"]?.GetValue<string>() == connection.Namespace)?
            ["containers"]?.AsArray().FirstOrDefault(c => c?["name"]?.GetValue<string>() == container)?["memory"];
        if (memory?["usageBytes"]?.GetValue<long>() is not { } usage)
        {
            Volatile.Write(ref _latest, null);
            return true;
        }
        Volatile.Write(ref _latest, Reading(usage, memory["workingSetBytes"]?.GetValue<long>(), memory["rssBytes"]?.GetValue<long>(), memory["majorPageFaults"]?.GetValue<long>()));
        _peak = Math.Max(_peak ?? 0, usage);
        var time = memory["time"]?.GetValue<string>() is { } text
            && DateTime.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal, out var at) ? at : DateTime.UtcNow;
        lock (_times)
        {
            _times.Add(time);
        }
        Note = null;
        return true;
    }

    /// <summary>
    /// The kubelet's figures as a cgroup reading: RSS is the cgroup's anon memory (cAdvisor's <c>total_rss</c> on v1,
    /// <c>anon</c> on v2), the rest of usage is taken as file pages; the working set is usage minus inactive file, so
    /// the inactive file pages are usage − working set and the active ones what the working set has beyond RSS. No
    /// peak, failcnt or OOM counts: the Summary API has none.
    /// </summary>
    internal static CgroupMemoryReading Reading(long usage, long? workingSetBytes, long? rssBytes, long? majorPageFaults)
    {
        var rss = rssBytes ?? 0;
        var workingSet = workingSetBytes ?? usage;
        return new CgroupMemoryReading(usage, null, rss, Math.Max(0, usage - rss), Math.Max(0, workingSet - rss), Math.Max(0, usage - workingSet),
            majorPageFaults ?? 0, null, null, null);
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();
}
