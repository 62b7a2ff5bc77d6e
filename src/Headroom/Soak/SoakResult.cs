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
    /// <summary>
    /// The trend the verdict reads: the charge, which is what the limit is compared with; anonymous memory where the
    /// runner has no charge. Anonymous memory alone is the more sensitive leak signal but also catches the warm-up:
    /// the Go sample's anon crept 6.9 → 7.1 MiB between 15 and 30 s of a 200 req/s soak (+24 MiB/h, 4.6–33) while
    /// its charge stayed flat (+0.0, −53–27), so an anon-only rise is reported beside a stable verdict, not as growth.
    /// </summary>
    public SoakTrend? Deciding => Charged ?? Anon;
}
