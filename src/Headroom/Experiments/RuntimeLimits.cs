using System.Globalization;
using Headroom.Limits;
using Headroom.Specs;
using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// The runtime's own limit for a container limit: the limit minus the memory the kernel charges outside the
/// runtime's heap, measured in the unlimited run as peak charged − runtime heap (HeapSys, or HeapAlloc when that is
/// all the runtime reports). Go takes bytes; .NET's <c>DOTNET_GCHeapHardLimit</c> is hexadecimal, so it is always a
/// literal; the JVM takes a percentage of the container limit; Node takes MiB.
/// </summary>
public static class RuntimeLimits
{
    /// <summary>Without a measured overhead, the share of the limit the runtime gets (the .NET and JVM container default).</summary>
    public const double DefaultHeapShare = 0.75;

    /// <summary>
    /// What the container needs besides the runtime's heap. With the kernel's anon/file split: the anonymous memory
    /// outside the heap plus half the file pages (the page cache the service keeps touching; the rest is
    /// reclaimable). Without it: peak charged − heap, which overstates by the whole page cache.
    /// </summary>
    public static (long Bytes, string Derivation)? NonHeapOverhead(TrialMemorySummary memory)
    {
        var heap = memory.RuntimeHeapSysBytes ?? memory.RuntimeHeapAllocBytes;
        var heapName = memory.RuntimeHeapSysBytes is null ? "heap in use" : "heap";
        if (heap is not { } h)
        {
            return null;
        }
        if (memory.PeakAnonBytes is { } anon && memory.PeakFileBytes is { } file)
        {
            var outside = Math.Max(0, anon - h) + file / 2;
            return (outside, $"anon {Mi(anon)} − runtime {heapName} {Mi(h)} + half the file pages {Mi(file)}, in the unlimited run");
        }
        if (memory.PeakChargedBytes is not { } charged || charged <= h)
        {
            return null;
        }
        return (charged - h, $"peak charged {Mi(charged)} − runtime {heapName} {Mi(h)} in the unlimited run");
    }

    /// <summary>A runtime limit below this many times the measured heap would make the GC run all the time (or
    /// fail): the recommendation falls back to the runtime's container default then.</summary>
    public const double MinimumHeapRoom = 2.0;

    public static RuntimeLimit? For(TargetRuntime? runtime, MemoryQuantity limit, (long Bytes, string Derivation)? overhead, long? measuredHeap = null)
    {
        if (runtime is null)
        {
            return null;
        }
        long? heapBytes = overhead is { } o && o.Bytes < limit.Bytes ? limit.Bytes - o.Bytes : null;
        var below = overhead is { } ov && heapBytes is not null
            ? $"{limit} less {Mi(ov.Bytes)} measured outside the heap ({ov.Derivation})"
            : null;
        // GOMEMLIMIT bounds all of the Go runtime's memory and its GC works to stay under it; the other runtimes'
        // limits bound the heap alone, which must have room to grow.
        if (runtime != TargetRuntime.Go && heapBytes is { } hb && measuredHeap is { } mh && hb < MinimumHeapRoom * mh)
        {
            below = null;
            heapBytes = null;
        }
        var fallback = (long)(limit.Bytes * DefaultHeapShare);
        switch (runtime.Value)
        {
            case TargetRuntime.Go when heapBytes is { } bytes:
                return new RuntimeLimit("GOMEMLIMIT", bytes.ToString(CultureInfo.InvariantCulture), new MemoryQuantity(bytes), false, below!);
            case TargetRuntime.Go:
                return new RuntimeLimit("GOMEMLIMIT", "", limit, true,
                    "the whole container limit via resourceFieldRef limits.memory (no runtime heap figure was measured to subtract)");
            case TargetRuntime.Dotnet:
                var dotnet = heapBytes ?? fallback;
                return new RuntimeLimit("DOTNET_GCHeapHardLimit", dotnet.ToString("x", CultureInfo.InvariantCulture), new MemoryQuantity(dotnet), false,
                    (below ?? $"75 % of {limit}, the runtime's own container default (no room for the heap could be derived from the measurements)") + "; hexadecimal, so a literal, not a resourceFieldRef");
            case TargetRuntime.Jvm:
                var percent = heapBytes is { } jb ? Math.Max(1, (int)Math.Floor(100.0 * jb / limit.Bytes)) : 75;
                return new RuntimeLimit("JAVA_TOOL_OPTIONS",
                    string.Create(CultureInfo.InvariantCulture, $"-XX:MaxRAMPercentage={percent} -XX:MinRAMPercentage={percent}"),
                    new MemoryQuantity(limit.Bytes * percent / 100), false,
                    (below ?? "75 % (no runtime heap figure was measured)") + "; HotSpot sizes small heaps from MinRAMPercentage, so both are set");
            case TargetRuntime.Node:
                var node = heapBytes ?? fallback;
                return new RuntimeLimit("NODE_OPTIONS",
                    string.Create(CultureInfo.InvariantCulture, $"--max-old-space-size={Math.Max(1, node / MemoryQuantity.Mebibyte)}"),
                    new MemoryQuantity(node), false, below ?? $"75 % of {limit} (no runtime heap figure was measured)");
            default:
                return null;
        }
    }

    internal static string Mi(long bytes) => new MemoryQuantity(bytes).ToMebibyteString();
}
