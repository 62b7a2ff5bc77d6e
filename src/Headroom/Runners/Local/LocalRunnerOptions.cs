namespace Headroom.Runners.Local;

/// <summary>How the local runner runs each trial. Every default here is what <c>headroom run --help</c> prints.</summary>
public sealed record LocalRunnerOptions
{
    /// <summary>Below this no process starts at all (the launching shell needs ~1 MiB, a Go hello-world ~3 MiB).</summary>
    public const long LimitFloorBytes = 1L * 1024 * 1024;

    /// <summary>How often every sampler is read (100 ms).</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>False (the default): evict the target's files from the page cache first, as in a fresh container.</summary>
    public bool Warm { get; init; }

    /// <summary>How long to wait for the readiness URL (60 s).</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>With no load: how long the target runs after it is ready (2 s).</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest a load may run before the trial is ended (10 min).</summary>
    public TimeSpan LoadTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>SIGTERM, then SIGKILL after this long (5 s), as a kubelet's termination grace period.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A CPU limit in CPUs (0.25 = 250m), as a cgroup CPU quota on the target; null (the default): none. The article's
    /// pod ran with 250m.
    /// </summary>
    public double? Cpus { get; init; }

    /// <summary>Read .NET event counters through the diagnostics IPC when the target is a .NET process (on).</summary>
    public bool DotnetCounters { get; init; } = true;

    public ThrashingSettings Thrashing { get; init; } = new();
}
