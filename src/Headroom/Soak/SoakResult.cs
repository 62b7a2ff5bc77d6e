using Headroom.Limits;
using Headroom.Trials;

namespace Headroom.Soak;

/// <summary>
/// A finished soak: the trial as it ran (its samples, load report and outcome), the trends of charged and anonymous
/// memory and of the post-GC heap where the runtime reports one, and the verdict.
/// </summary>
public sealed record SoakResult(
    TrialResult Trial,
    SoakOptions Options,
    MemoryQuantity? Limit,
    SoakTrend? Charged,
    SoakTrend? Anon,
    SoakTrend? PostGcHeap,
    double LoadSeconds,
    double WarmupSeconds,
    SoakVerdict Verdict)
{
    /// <summary>The trend the verdict reads: anonymous memory (a leak cannot be reclaimed), else the charge.</summary>
    public SoakTrend? Deciding => Anon ?? Charged;
}
