using Headroom.Limits;
using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// Predicts the survival edge from one unlimited trial, so the search starts close to it.
/// <para>
/// The unlimited peak P is a bad predictor: most of it is often page cache the kernel can reclaim (Node: 78 of
/// 90 MiB, JVM: 71 of 115). The predictor takes the kernel's own split instead: the peak working set, charged less
/// the inactive file pages (what the kubelet calls the container's working set). It keeps everything the kernel
/// cannot reclaim without swap — anon, shmem (.NET's double-mapped JIT code, 13 MiB of the C# sample's 22 MiB of
/// "file"), kernel memory — and the file pages the kernel has seen used more than once; it leaves out the file
/// pages read once, at start (the JDK's lib/modules, Python's .pyc, Node's startup code), which are the first that
/// reclaim takes under a limit. Measured cold against 3-confirmation survival edges (docs/cold-start.md): Python −7 %,
/// Node −3 %, the C# sample +4 %; it under-predicts a small static binary whose code is mapped and never scanned
/// without pressure (Go −41 %, nginx −33 %) and over-predicts the JVM, which picks another GC and a heap of a
/// quarter of the limit under a limit (+58 %).
/// </para>
/// <para>
/// Without a working set (records written before it was kept) the rule is peak anon + half the peak file pages;
/// without an anon/file split, 0.75 × peak charged.
/// </para>
/// </summary>
public static class EdgePredictor
{
    public const double TouchedFileShare = 0.5;
    public const double ChargedOnlyShare = 0.75;

    public static EdgePrediction Predict(TrialMemorySummary memory)
    {
        if (memory.PeakWorkingSetBytes is { } workingSet)
        {
            var readOnce = memory.PeakChargedBytes is { } peak && peak > workingSet ? $"; the other {Mi(peak - workingSet)} of the peak charged {Mi(peak)} were inactive file pages, read once and reclaimable" : "";
            return new EdgePrediction(
                new MemoryQuantity(Math.Max(1, workingSet)),
                $"peak working set {Mi(workingSet)} (charged less the inactive file pages: anon, shmem, kernel memory and the file pages used more than once){readOnce}");
        }
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
        if (memory.PeakChargedBytes is { } charged2)
        {
            return new EdgePrediction(
                new MemoryQuantity(Math.Max(1, (long)(charged2 * ChargedOnlyShare))),
                $"0.75 x peak charged {Mi(charged2)} (no anon/file split was measured)");
        }
        return new EdgePrediction(null, "no memory figures from the unlimited run; the search starts at its lowest limit x 64");
    }

    private static string Mi(long bytes) => new MemoryQuantity(bytes).ToMebibyteString();
}

/// <summary>The predicted edge (null when the baseline measured nothing) and how it was derived.</summary>
public sealed record EdgePrediction(MemoryQuantity? Edge, string Explanation);
