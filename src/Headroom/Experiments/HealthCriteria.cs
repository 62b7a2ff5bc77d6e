using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// What "healthy" means against the unlimited baseline: throughput within <see cref="ThroughputFraction"/> of it and
/// p99 latency within <see cref="P99Factor"/> of it. Near the survival edge services usually survive by crawling,
/// so the healthy edge is the number to deploy from.
/// <para>
/// A trial whose memory never came near its limit was not slowed by the limit: cgroup v1 reclaims only when usage
/// reaches the limit. Its throughput against one short baseline run is noise, so <see cref="IsHealthyUnderLimit"/>
/// counts it healthy. (Measured here: the C# sample's 1,000-request load lasts 0.4 s, its req/s varies by 30 %
/// between identical runs, and without this rule a study put its healthy edge at 63Mi, above the unlimited peak of
/// 48Mi, from trials that peaked at 36-38Mi.)
/// </para>
/// </summary>
public sealed record HealthCriteria(TrialLoadSummary Baseline, double ThroughputFraction, double P99Factor)
{
    public double MinRequestsPerSecond => Baseline.RequestsPerSecond * ThroughputFraction;

    public TimeSpan MaxP99 => Baseline.P99Latency * P99Factor;

    public bool IsHealthy(TrialResult trial) =>
        trial.Survived && trial.Load is { } load && IsHealthy(load.RequestsPerSecond, load.P99Latency);

    /// <summary>A limit counts as reached when the trial's peak charged memory came within this share of it.</summary>
    public const double ReachedLimitShare = 0.95;

    /// <summary>Healthy, or survived without its memory ever reaching the limit (no figure: assume it did).</summary>
    public bool IsHealthyUnderLimit(TrialResult trial) =>
        IsHealthy(trial) || (trial.Survived && !ReachedLimit(trial));

    /// <summary>True when the trial's peak charged memory came within <see cref="ReachedLimitShare"/> of its limit.</summary>
    public static bool ReachedLimit(TrialResult trial) =>
        trial.Request.Limit is not { } limit
        || trial.Memory.PeakChargedBytes is not { } peak
        || peak >= limit.Bytes * ReachedLimitShare;

    public bool IsHealthy(double requestsPerSecond, TimeSpan p99) =>
        requestsPerSecond >= MinRequestsPerSecond && p99 <= MaxP99;
}
