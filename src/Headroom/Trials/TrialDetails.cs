using Headroom.Memory;

namespace Headroom.Trials;

/// <summary>How the target ended one run, as <c>kubectl describe</c> shows a container's (Last) State.</summary>
public sealed record TerminationState(string Reason, int ExitCode, DateTimeOffset At, string Evidence);

/// <summary>The kernel's figures at one moment of a trial (before or after the load).</summary>
public sealed record KernelFigures(long UsageBytes, long? PeakBytes, long AnonBytes, long FileBytes, long MajorFaults, long? OomKills, long? VmRssBytes);

/// <summary>
/// Everything a report shows of one trial beyond the figures experiments compare: where and how it ran, the
/// runtime's and the kernel's memory before and after the load (the article's Listings 3 and 5), the load report,
/// how the target ended, and the whole sample series.
/// </summary>
public sealed record TrialDetails
{
    /// <summary>Where the limit was enforced: <c>cgroup v1 /sys/fs/cgroup/memory/…/headroom-123-1</c>.</summary>
    public string Runner { get; init; } = "";
    /// <summary>The CPU limit the trial ran under, in CPUs (0.25 = 250m); null: none.</summary>
    public double? Cpus { get; init; }
    public string Target { get; init; } = "";
    /// <summary>True when the target's files were evicted from the page cache before the start (the default).</summary>
    public bool ColdStart { get; init; }

    /// <summary>How long the (last) run took from its start until it answered its readiness URL; null when it never did.</summary>
    public TimeSpan? ReadyAfter { get; init; }
    public string Eviction { get; init; } = "";
    public IReadOnlyDictionary<string, string> KnobEnvironment { get; init; } = new Dictionary<string, string>();
    public RuntimeFigures? RuntimeBefore { get; init; }
    public RuntimeFigures? RuntimeAfter { get; init; }
    public RuntimeFigures? CountersBefore { get; init; }
    public RuntimeFigures? CountersAfter { get; init; }
    public KernelFigures? KernelBefore { get; init; }
    public KernelFigures? KernelAfter { get; init; }
    /// <summary>
    /// How the load reached the target when not directly: the Kubernetes runner's <c>through the API server's
    /// port-forward</c> (slower than traffic inside the cluster, so fewer requests and less allocation); null: direct.
    /// </summary>
    public string? LoadPath { get; init; }
    /// <summary>The load generator's own report (hey's format), when there was load.</summary>
    public string? LoadReport { get; init; }
    /// <summary>How the last run ended (null when it was alive at the end).</summary>
    public TerminationState? Terminated { get; init; }
    /// <summary>How the run before the last restart ended.</summary>
    public TerminationState? LastState { get; init; }
    public IReadOnlyList<string> OutputTail { get; init; } = [];
    /// <summary>Each memory source's peak, named, with why a source gave nothing (the Kubernetes runner's metrics.k8s.io and exec).</summary>
    public IReadOnlyList<MemorySourcePeak> MemorySources { get; init; } = [];
    /// <summary>The cluster's events about the trial's pod and its ReplicaSet, as <c>kubectl describe</c> lists them.</summary>
    public IReadOnlyList<TrialEvent> Events { get; init; } = [];
    public IReadOnlyList<MemorySample> Samples { get; init; } = [];
}
