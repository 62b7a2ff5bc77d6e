using Headroom.Limits;

namespace Headroom.Trials;

/// <summary>What an experiment asks for: one start of the target under a limit (null = unlimited) and a knob set.</summary>
public sealed record TrialRequest(MemoryQuantity? Limit, Knobs.KnobSet Knobs)
{
    /// <summary>How many times an OOM-killed target is started again, as a kubelet's restart policy would.</summary>
    public int Restarts { get; init; }

    /// <summary>A label experiments use to tell trials apart in reports (e.g. <c>edge</c>, <c>matrix r2</c>).</summary>
    public string Purpose { get; init; } = "";

    /// <summary>What the unlimited baseline did, for the rules that compare a limited trial with it (null: no baseline).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TrialBaseline? Baseline { get; init; }
}

/// <summary>The baseline's pace: its completed requests a second, how long its start took, how long its load ran.</summary>
public sealed record TrialBaseline(double RequestsPerSecond, TimeSpan? ReadyAfter, TimeSpan LoadDuration);

/// <summary>The load's figures that experiments compare (the whole report stays with the trial's files).</summary>
public sealed record TrialLoadSummary(
    long Requests,
    long Succeeded,
    long Errors,
    double RequestsPerSecond,
    TimeSpan AverageLatency,
    TimeSpan P99Latency,
    TimeSpan SlowestLatency,
    TimeSpan Duration)
{
    /// <summary>The URL loaded (the first failure's message names it); null in records written before it was kept.</summary>
    public string? Url { get; init; }

    /// <summary>The statuses that counted as a success (<c>2xx,3xx</c> unless <c>--expect</c> said otherwise).</summary>
    public string? Expected { get; init; }

    /// <summary>Requests that did not succeed, by kind (<c>refused</c>, <c>timeout</c>, <c>status 503</c>), most frequent first.</summary>
    public IReadOnlyList<Load.LoadFailure> Failures { get; init; } = [];

    /// <summary>Share of the requests that succeeded, 0 to 1 (0 when there were none).</summary>
    public double SuccessRatio() => Requests == 0 ? 0 : (double)Succeeded / Requests;
}

/// <summary>
/// Memory figures of a trial. Kernel figures are what the cgroup was charged; runtime figures are what the runtime
/// says of itself (expvar, Prometheus, event counters). Null where the source was not available.
/// </summary>
public sealed record TrialMemorySummary(
    long? PeakChargedBytes,
    long? PeakAnonBytes,
    long? PeakFileBytes,
    long? MajorFaults,
    long? RuntimeSysBytes,
    long? RuntimeHeapAllocBytes,
    long? RuntimeHeapSysBytes,
    long? GcCount)
{
    /// <summary>The highest working set sampled: charged less the inactive file pages (see <see cref="Memory.MemorySample.ChargedWorkingSetBytes"/>); null in records written before it was kept.</summary>
    public long? PeakWorkingSetBytes { get; init; }

    /// <summary>The runtime's own memory limit as it reported it (Go's expvar <c>memlimit</c>, set by GOMEMLIMIT); long.MaxValue: none.</summary>
    public long? RuntimeMemoryLimitBytes { get; init; }
}

/// <summary>One finished trial: what was asked, how it ended and why, and what was measured.</summary>
public sealed record TrialResult(
    TrialRequest Request,
    TrialOutcome Outcome,
    string Evidence,
    TrialLoadSummary? Load,
    TrialMemorySummary Memory,
    int RestartCount,
    TimeSpan WallTime)
{
    public bool Survived => Outcome == TrialOutcome.Survived;

    /// <summary>Where and how it ran, before/after figures, the load report and the sample series (empty for runners without them).</summary>
    public TrialDetails Details { get; init; } = new();
}

/// <summary>
/// Runs whole trials (start under the limit, wait ready, load, sample, stop, classify, clean up).
/// Experiments (edge, matrix, floor, study) see only this; which runner is behind it (local cgroup, container,
/// Kubernetes) is not their business.
/// </summary>
public interface ITrialExecutor
{
    Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken);
}
