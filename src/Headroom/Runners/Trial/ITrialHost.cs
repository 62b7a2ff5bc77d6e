using Headroom.Cgroups;
using Headroom.Memory;
using Headroom.Runners.Local;
using Headroom.Trials;

namespace Headroom.Runners.Trial;

/// <summary>
/// Where the target of one trial lives (a local cgroup, a container, a pod): how to start it there under the trial's
/// limit and knob set, where its kernel figures come from, how a run ended, how to stop it and how to name it. One
/// instance per trial; everything else about a trial is <see cref="TrialLoop"/>'s.
/// </summary>
public interface ITrialHost : IAsyncDisposable
{
    /// <summary>Starts the target, or starts it again after a death; the task returned completes when this run ends.</summary>
    Task<Task> StartAsync(CancellationToken cancellationToken);

    /// <summary>The target's pid where it can be seen from here (for <c>/proc/&lt;pid&gt;/status</c>).</summary>
    int? Pid { get; }

    /// <summary>The kernel's figures of the target's cgroup now, null when they cannot be read.</summary>
    CgroupMemoryReading? ReadMemory();

    /// <summary>The working set from a metrics API, where there is one.</summary>
    long? WorkingSet() => null;

    /// <summary>The .NET event counters of the target, where they can be read from here.</summary>
    DotnetCountersSource? Counters => null;

    /// <summary>What the progress line says of a ready run: <c>pid 1234</c>.</summary>
    string ReadyNote { get; }

    /// <summary>True when the kernel OOM-killed a process of the current run (so a silent start is the limit's doing).</summary>
    bool KernelKilled { get; }

    /// <summary>
    /// Why a run that stays up but never answers its readiness URL, not short of memory, is the user's to fix
    /// (<c>the target is running …; check --ready</c>); null: it is a failed start (the cluster's network may be at fault).
    /// </summary>
    string? NeverReadyAdvice { get; }

    /// <summary>False where the place restarts the target by itself (a kubelet): the loop then never starts it again.</summary>
    bool StartsAgain => true;

    /// <summary>How the run ended (or that it is alive) and the outcome decided from what the place reports.</summary>
    Task<RunEnding> EndRunAsync(RunSeen seen, CancellationToken cancellationToken);

    /// <summary>Stops the target: gracefully, or at once when <paramref name="kill"/> (the trial is decided).</summary>
    Task StopAsync(bool kill, CancellationToken cancellationToken);

    /// <summary>Where the limit was enforced, for the report: <c>cgroup v1 /sys/fs/cgroup/memory/…</c>.</summary>
    string Describe();

    /// <summary>The CPU limit the target ran under, in CPUs; null: none.</summary>
    double? Cpus => null;
}

/// <summary>What the loop saw of a run: whether it became ready, whether the wait timed out, the run's verdict if decided, the samples so far.</summary>
public sealed record RunSeen(bool BecameReady, bool ReadyTimedOut, string? Decided, IReadOnlyList<MemorySample> Samples);

/// <summary>How a run ended and its outcome, as the place the target ran in tells it.</summary>
public sealed record RunEnding(TrialOutcome Outcome, string Evidence, ExitStatus? Exit, IReadOnlyList<string> Output)
{
    /// <summary>The place's own reason for the exit (the kubelet's <c>OOMKilled</c>); null: the loop's, from the outcome.</summary>
    public string? Reason { get; init; }

    /// <summary>Restarts the place made by itself during the run (a kubelet's).</summary>
    public int Restarts { get; init; }

    /// <summary>True when the place started the target again after the exit: the exit is then its last state.</summary>
    public bool RunningAgain { get; init; }

    public IReadOnlyList<MemorySourcePeak> MemorySources { get; init; } = [];

    public IReadOnlyList<TrialEvent> Events { get; init; } = [];
}
