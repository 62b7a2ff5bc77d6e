using Headroom.Memory;
using Headroom.Trials;

namespace Headroom.Runners;

/// <summary>What every runner derives the same way from its samples and from how the target ended.</summary>
public static class TrialFigures
{
    public static KernelFigures? Kernel(MemorySample s) => s.UsageBytes is null
        ? null
        : new KernelFigures(s.UsageBytes.Value, s.PeakBytes, s.AnonBytes ?? 0, s.FileBytes ?? 0, s.MajorFaults ?? 0, s.OomKills, s.VmRssBytes);

    public static TrialMemorySummary Summarize(IReadOnlyList<MemorySample> samples, RuntimeFigures? runtime, RuntimeFigures? counters)
    {
        long? Max(Func<MemorySample, long?> pick) => samples.Select(pick).Where(v => v is not null).Max();
        var peak = Max(s => s.PeakBytes);
        var usage = Max(s => s.UsageBytes);
        var faults = samples.Select(s => s.MajorFaults).Where(v => v is not null).ToArray();
        var figures = runtime ?? counters;
        return new TrialMemorySummary(
            PeakChargedBytes: peak is null && usage is null ? null : Math.Max(peak ?? 0, usage ?? 0),
            PeakAnonBytes: Max(s => s.AnonBytes),
            PeakFileBytes: Max(s => s.FileBytes),
            MajorFaults: faults.Length == 0 ? null : faults[^1] - faults[0],
            RuntimeSysBytes: figures?.SysBytes,
            RuntimeHeapAllocBytes: figures?.HeapAllocBytes,
            RuntimeHeapSysBytes: figures?.HeapSysBytes,
            GcCount: figures?.GcCount)
        {
            RuntimeMemoryLimitBytes = figures?.MemoryLimitBytes,
            PeakWorkingSetBytes = Max(s => s.ChargedWorkingSetBytes),
        };
    }
}
