using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>A limit of the matrix and why it is there (<c>edge</c>, <c>runtime Sys</c>, <c>2x edge</c>, or <c>given</c>).</summary>
public sealed record MatrixLimit(MemoryQuantity Limit, string Label);

/// <summary>One matrix trial and the round it belongs to (1-based).</summary>
public sealed record MatrixTrial(int Round, MatrixLimit Limit, KnobSet Knobs, TrialResult Result);

/// <summary>
/// One cell of the Listing-10-style table: medians over the cell's surviving trials, the spread (min-max req/s)
/// and how many trials failed (OOM kills and runtime OOMs counted apart from other failures).
/// </summary>
public sealed record MatrixCell(
    MatrixLimit Limit,
    KnobSet Knobs,
    int Trials,
    int Survived,
    int OomKills,
    int OtherFailures,
    double? MedianRequestsPerSecond,
    double? MinRequestsPerSecond,
    double? MaxRequestsPerSecond,
    TimeSpan? MedianAverageLatency,
    TimeSpan? MedianP99Latency,
    double? MedianGcCount)
{
    /// <summary>Requests the cell's trials sent, over every trial that ran a load.</summary>
    public long Requests { get; init; }

    /// <summary>Of <see cref="Requests"/>, those that succeeded.</summary>
    public long Succeeded { get; init; }
}

/// <summary>At one limit, knob set / baseline knob set req/s paired by round, with its bootstrap interval
/// (null when fewer than <see cref="PairedBootstrap.MinPairedRounds"/> rounds had both trials survive).</summary>
public sealed record KnobRatio(MatrixLimit Limit, KnobSet Knobs, KnobSet Versus, int PairedRounds, RatioInterval? Interval);

/// <summary>The whole matrix: every trial in the order it ran, the cells, and the paired ratios.</summary>
public sealed record MatrixResult(
    IReadOnlyList<MatrixLimit> Limits,
    IReadOnlyList<KnobSet> KnobSets,
    int Repeats,
    IReadOnlyList<MatrixTrial> Trials,
    IReadOnlyList<MatrixCell> Cells,
    IReadOnlyList<KnobRatio> Ratios)
{
    public MatrixCell Cell(MemoryQuantity limit, string knobSet) =>
        Cells.Single(c => c.Limit.Limit == limit && c.Knobs.Name == knobSet);

    /// <summary>
    /// The cell's failed rounds by outcome, e.g. <c>1 of 3 rounds oom-killed</c> or <c>1 of 3 rounds thrashing, 1
    /// oom-killed</c>; null when every round survived.
    /// </summary>
    public string? FailedRounds(MatrixCell cell)
    {
        var failed = Trials.Where(t => t.Limit.Limit == cell.Limit.Limit && t.Knobs.Name == cell.Knobs.Name && t.Result.Outcome != TrialOutcome.Survived)
            .GroupBy(t => t.Result.Outcome).OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .Select(g => (Count: g.Count(), Outcome: g.Key.ToKebab())).ToList();
        if (failed.Count == 0)
        {
            return null;
        }
        var rest = string.Concat(failed.Skip(1).Select(f => $", {f.Count} {f.Outcome}"));
        return $"{failed[0].Count} of {cell.Trials} rounds {failed[0].Outcome}{rest}";
    }

    public TimeSpan TrialTime => Trials.Aggregate(TimeSpan.Zero, (sum, t) => sum + t.Result.WallTime);
}
