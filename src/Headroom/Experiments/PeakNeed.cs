namespace Headroom.Experiments;

/// <summary>
/// The need at a stated peak load read from a curve (<c>headroom study --peak-concurrency N</c>): the recommendation's
/// limit is this need plus the margin instead of the study's own healthy edge. <see cref="Extrapolation"/> names the
/// measured range when the peak lies outside it (the line is an assumption there); null inside it.
/// </summary>
public sealed record PeakNeed(string Peak, double NeedBytes, double? LowBytes, double? HighBytes, string Line, string? Extrapolation)
{
    /// <summary>Written into the study folder, so <c>headroom recommend --from</c> recommends from the curve too.</summary>
    public const string FileName = "curve-peak.json";
}
