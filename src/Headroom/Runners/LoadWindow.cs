using Headroom.Memory;
using Headroom.Trials;

namespace Headroom.Runners;

/// <summary>
/// The part of a trial every runner measures the same way once the target is ready: the runtime's and the kernel's
/// figures before the load (the article's Listing 3), the load, and the same figures after it (Listing 5).
/// </summary>
public sealed record LoadWindow(
    RuntimeFigures? RuntimeBefore,
    RuntimeFigures? RuntimeAfter,
    RuntimeFigures? CountersBefore,
    RuntimeFigures? CountersAfter,
    KernelFigures? KernelBefore,
    KernelFigures? KernelAfter,
    TrialLoadRun? Load)
{
    /// <summary>The runtime's figures the trial's summary shows: after the load when they could be read, else before.</summary>
    public RuntimeFigures? Runtime => RuntimeAfter ?? RuntimeBefore;

    public RuntimeFigures? Counters => CountersAfter ?? CountersBefore;

    /// <summary>
    /// Reads the figures before, runs the load, reads them after. A target that died or thrashes is not asked again:
    /// a thrashing one answers nothing in time, and the figures from before the load stand.
    /// </summary>
    public static async Task<LoadWindow> MeasureAsync(
        MemorySampler sampler, IRuntimeFiguresSource? stats, DotnetCountersSource? counters, Task exited, ThrashingDetector detector,
        Func<Task<TrialLoadRun?>> runLoad, CancellationToken cancellationToken)
    {
        sampler.Phase = "ready";
        var runtimeBefore = stats is null ? null : await stats.ReadNowAsync(cancellationToken);
        var countersBefore = counters is null ? null : await counters.FirstAsync(cancellationToken);
        var kernelBefore = TrialFigures.Kernel(sampler.Take());
        sampler.Phase = "load";
        sampler.CompletedRequests = 0;
        var load = await runLoad();
        sampler.Phase = "after";
        var answers = !exited.IsCompleted && detector.Evidence is null;
        var runtimeAfter = stats is null || !answers ? null : await stats.ReadNowAsync(cancellationToken);
        var countersAfter = exited.IsCompleted ? null : counters?.Latest;
        var kernelAfter = TrialFigures.Kernel(sampler.Take());
        return new LoadWindow(runtimeBefore, runtimeAfter, countersBefore, countersAfter, kernelBefore, kernelAfter, load);
    }

    /// <summary>The trial's details with this window's figures and load report.</summary>
    public TrialDetails Into(TrialDetails details) => details with
    {
        RuntimeBefore = RuntimeBefore,
        RuntimeAfter = RuntimeAfter,
        CountersBefore = CountersBefore,
        CountersAfter = CountersAfter,
        KernelBefore = KernelBefore,
        KernelAfter = KernelAfter,
        LoadReport = Load?.Report,
    };
}
