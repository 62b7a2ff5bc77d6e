using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// What "healthy" means against the unlimited baseline: throughput within <see cref="ThroughputFraction"/> of it and
/// p99 latency within <see cref="P99Factor"/> of it. Near the survival edge services usually survive by crawling,
/// so the healthy edge is the number to deploy from.
/// </summary>
public sealed record HealthCriteria(TrialLoadSummary Baseline, double ThroughputFraction, double P99Factor)
{
    public double MinRequestsPerSecond => Baseline.RequestsPerSecond * ThroughputFraction;

    public TimeSpan MaxP99 => Baseline.P99Latency * P99Factor;

    public bool IsHealthy(TrialResult trial) =>
        trial.Survived && trial.Load is { } load && IsHealthy(load.RequestsPerSecond, load.P99Latency);

    public bool IsHealthy(double requestsPerSecond, TimeSpan p99) =>
        requestsPerSecond >= MinRequestsPerSecond && p99 <= MaxP99;
}
