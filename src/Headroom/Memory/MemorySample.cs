using System.Text.Json.Serialization;

namespace Headroom.Memory;

/// <summary>
/// One moment of a trial: what the kernel charged the cgroup (usage, peak, anon and file parts), its pressure
/// counters, the process's own view (VmRSS, VmHWM), the runtime's figures and how many requests had completed.
/// Kept in order as the trial's time series, one JSON object a line, so a report can chart memory against the limit.
/// </summary>
public sealed record MemorySample(
    [property: JsonPropertyName("t_ms")] long ElapsedMilliseconds,
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("usage")] long? UsageBytes,
    [property: JsonPropertyName("peak")] long? PeakBytes,
    [property: JsonPropertyName("anon")] long? AnonBytes,
    [property: JsonPropertyName("file")] long? FileBytes,
    [property: JsonPropertyName("active_file")] long? ActiveFileBytes,
    [property: JsonPropertyName("inactive_file")] long? InactiveFileBytes,
    [property: JsonPropertyName("pgmajfault")] long? MajorFaults,
    [property: JsonPropertyName("failcnt")] long? Failcnt,
    [property: JsonPropertyName("oom_kill")] long? OomKills,
    [property: JsonPropertyName("vm_rss")] long? VmRssBytes,
    [property: JsonPropertyName("vm_hwm")] long? VmHwmBytes,
    [property: JsonPropertyName("completed")] long? CompletedRequests,
    [property: JsonPropertyName("runtime")] RuntimeFigures? Runtime,
    [property: JsonPropertyName("counters")] RuntimeFigures? Counters)
{
    /// <summary>The working set <c>metrics.k8s.io</c> last reported for the container (the Kubernetes runner), else null.</summary>
    [JsonPropertyName("working_set")]
    public long? WorkingSetBytes { get; init; }

    /// <summary>
    /// Charged less the inactive file pages, the kubelet's (cAdvisor's) container working set, from the cgroup's own
    /// figures (v1 <c>usage_in_bytes − total_inactive_file</c>, v2 <c>memory.current − inactive_file</c>): anon,
    /// shmem, kernel memory and the file pages the kernel has seen used more than once. Null without both figures.
    /// </summary>
    [JsonIgnore]
    public long? ChargedWorkingSetBytes => UsageBytes is { } usage && InactiveFileBytes is { } inactive ? Math.Max(0, usage - inactive) : null;
}
