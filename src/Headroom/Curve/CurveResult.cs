using Headroom.Experiments;
using Headroom.Limits;

namespace Headroom.Curve;

/// <summary>
/// One level of a curve: its edge search (with its own unlimited baseline at this load), where that search started
/// and why, and the need read from it: the healthy edge, else the survival edge; null when the search found neither.
/// </summary>
public sealed record CurveLevel(double Level, EdgeSearchResult Search, MemoryQuantity? Start, string StartReason)
{
    public MemoryQuantity? Need => Search.HealthyEdge ?? Search.SurvivalEdge;

    /// <summary>The trials of this level: its baseline runs and its search.</summary>
    public int Trials { get; init; }
}

/// <summary>The recommended limit at a stated peak: the fitted need there with its 95 % prediction interval, plus the margin.</summary>
public sealed record PeakEstimate(double Peak, double NeedBytes, double LowBytes, double HighBytes, MemoryQuantity Limit, bool Extrapolated, string Text);

/// <summary>A curve: every level, the line need ≈ a + b × level through the levels that have a need, and the peak estimate.</summary>
public sealed record CurveResult(CurveAxis Axis, IReadOnlyList<CurveLevel> Levels, LinearFit? Fit, PeakEstimate? Peak)
{
    public int Trials => Levels.Sum(l => l.Trials);
}
