using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>One trial of a search: which search asked for it (<c>survival</c>, <c>healthy</c>), why (<c>start</c>,
/// <c>bracket</c>, <c>bisect</c>, <c>confirm</c>), and whether it was healthy against the baseline.</summary>
public sealed record EdgeTrial(int Number, string Search, string Step, TrialResult Result, bool Healthy)
{
    /// <summary>The round of the search it ran in: trials of one round ran side by side (one per round with one slot).</summary>
    public int Round { get; init; }

    public MemoryQuantity Limit => Result.Request.Limit ?? throw new InvalidOperationException("an edge trial always has a limit");

    /// <summary>
    /// How the trial ended in every report (console, report.md, report.html, summary.json): <c>survived</c>,
    /// <c>survived (slow)</c> when it survived below the healthy bar, or the outcome (<c>oom-killed</c>).
    /// </summary>
    public string Verdict => Result.Survived ? Healthy ? "survived" : SurvivedSlow : Result.Outcome.ToKebab();

    public const string SurvivedSlow = "survived (slow)";

    /// <summary>
    /// True when only the "never reached 95 % of its limit" rule made it healthy (<see cref="HealthCriteria.IsHealthyUnderLimit"/>):
    /// it survived below the healthy bar. Every edge table marks such a row with <see cref="Marker"/> and prints <see cref="NeverAtLimitNote"/>.
    /// </summary>
    public bool NeverAtLimit { get; init; }

    /// <summary><see cref="Verdict"/> with <see cref="Marker"/> when <see cref="NeverAtLimit"/>: the outcome column of the tables.</summary>
    public string MarkedVerdict => NeverAtLimit ? $"{Verdict} {Marker}" : Verdict;

    public const string Marker = "†";

    public static readonly string NeverAtLimitNote =
        $"{Marker} counted healthy below the bar: its memory never reached {HealthCriteria.ReachedLimitShare.ToString("P0", System.Globalization.CultureInfo.InvariantCulture)} of the limit, so the limit did not slow it (one short load's req/s varies by up to 30 % between identical runs).";

    /// <summary><see cref="NeverAtLimitNote"/> when a trial of <paramref name="trials"/> is marked; null otherwise.</summary>
    public static string? NoteFor(IEnumerable<EdgeTrial> trials) => trials.Any(t => t.NeverAtLimit) ? NeverAtLimitNote : null;
}

/// <summary>Median figures of the trials at one limit, for the throughput curve between the edges.</summary>
public sealed record ThroughputPoint(
    MemoryQuantity Limit,
    int Trials,
    int Failures,
    double? MedianRequestsPerSecond,
    TimeSpan? MedianP99Latency,
    bool Healthy);

/// <summary>
/// What an edge search found: the survival edge (least limit where every confirming trial survived) with the largest
/// limit seen to fail under it, the healthy edge (also within the baseline's throughput and p99 bounds), the
/// prediction and how far off it was, and every trial. A null edge comes with a message saying why.
/// </summary>
public sealed record EdgeSearchResult(
    KnobSet Knobs,
    TrialResult Baseline,
    EdgePrediction Prediction,
    MemoryQuantity? SurvivalEdge,
    MemoryQuantity? LargestFailing,
    MemoryQuantity? HealthyEdge,
    MemoryQuantity? LargestUnhealthy,
    IReadOnlyList<EdgeTrial> Trials,
    IReadOnlyList<ThroughputPoint> ThroughputCurve,
    string? NoEdgeMessage,
    string? NoHealthyEdgeMessage)
{
    public int TrialsUsed => Trials.Count;

    /// <summary>Rounds of the search: the trials with one slot, fewer when trials ran side by side.</summary>
    public int Rounds => Trials.Count == 0 ? 0 : Trials.Max(t => t.Round);

    /// <summary>The sum of the trials' wall times (replayed trials count with their recorded time).</summary>
    public TimeSpan TrialTime => Trials.Aggregate(TimeSpan.Zero, (sum, t) => sum + t.Result.WallTime);

    /// <summary>Survival edge minus prediction (positive: the service needed more than predicted).</summary>
    public long? PredictionErrorBytes => SurvivalEdge is { } edge && Prediction.Edge is { } predicted
        ? edge.Bytes - predicted.Bytes
        : null;

    /// <summary>The trials at one limit, in the order they ran.</summary>
    public IEnumerable<TrialResult> TrialsAt(MemoryQuantity limit) =>
        Trials.Where(t => t.Limit == limit).Select(t => t.Result);
}
