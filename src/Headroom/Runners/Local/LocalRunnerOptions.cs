using Headroom.Runners.Trial;

namespace Headroom.Runners.Local;

/// <summary>How the local runner runs each trial. Every default here is what <c>headroom run --help</c> prints.</summary>
public sealed record LocalRunnerOptions : TrialOptions
{
    /// <summary>Below this no process starts at all (a shell alone needs ~1 MiB, a Go hello-world ~3 MiB).</summary>
    public const long LimitFloorBytes = 4L * 1024 * 1024;

    /// <summary>False (the default): evict the target's files from the page cache first, as in a fresh container.</summary>
    public bool Warm { get; init; }

    /// <summary>SIGTERM, then SIGKILL after this long (5 s), as a kubelet's termination grace period.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A CPU limit in CPUs (0.25 = 250m), as a cgroup CPU quota on the target; null (the default): none. The article's
    /// pod ran with 250m.
    /// </summary>
    public double? Cpus { get; init; }

    /// <summary>Read .NET event counters through the diagnostics IPC when the target is a .NET process (on).</summary>
    public bool DotnetCounters { get; init; } = true;
}
