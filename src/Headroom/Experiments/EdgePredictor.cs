using Headroom.Limits;
using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// Predicts the survival edge from one unlimited trial, so the search starts close to it.
/// <para>
/// The unlimited peak P is a bad predictor: most of it is often page cache the kernel could reclaim (Node: 79 of
/// 95 MiB, JVM: 70 of 138, Go: 6.7 of 14). Anonymous memory cannot be reclaimed without swap, so all of it is
/// needed; of the file pages only those the service keeps touching (its code, the runtime's files) are, and an
/// unlimited run does not say which. The predictor takes half of them:
/// <c>edge ≈ peak anon + 0.5 × peak file</c>, never above the peak charged. On the Go twin (anon 7.4, file 6.7,
/// edge 12 MiB) it predicts 10.8 MiB. Without anon/file figures it falls back to 0.75 × peak charged.
/// </para>
/// </summary>
public static class EdgePredictor
{
    public const double TouchedFileShare = 0.5;
    public const double ChargedOnlyShare = 0.75;

    public static EdgePrediction Predict(TrialMemorySummary memory)
    {
        if (memory.PeakAnonBytes is { } anon && memory.PeakFileBytes is { } file)
        {
            var bytes = anon + (long)(file * TouchedFileShare);
            if (memory.PeakChargedBytes is { } charged)
            {
                bytes = Math.Min(bytes, charged);
            }
            return new EdgePrediction(
                new MemoryQuantity(Math.Max(1, bytes)),
                $"peak anon {Mi(anon)} + half of peak file {Mi(file)} (the file pages an unlimited run read once are mostly reclaimable)");
        }
        if (memory.PeakChargedBytes is { } peak)
        {
            return new EdgePrediction(
                new MemoryQuantity(Math.Max(1, (long)(peak * ChargedOnlyShare))),
                $"0.75 x peak charged {Mi(peak)} (no anon/file split was measured)");
        }
        return new EdgePrediction(null, "no memory figures from the unlimited run; the search starts at its lowest limit x 64");
    }

    private static string Mi(long bytes) => new MemoryQuantity(bytes).ToMebibyteString();
}

/// <summary>The predicted edge (null when the baseline measured nothing) and how it was derived.</summary>
public sealed record EdgePrediction(MemoryQuantity? Edge, string Explanation);
