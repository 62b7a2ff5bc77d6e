using Headroom.Runners.Trial;

namespace Headroom.Runners.Docker;

/// <summary>How the container runner runs each trial. The defaults match the local runner's where they mean the same.</summary>
public sealed record DockerRunnerOptions : TrialOptions
{
    /// <summary>Below this no container starts (runc and the target need more than a bare process).</summary>
    public const long LimitFloorBytes = 4L * 1024 * 1024;

    /// <summary>The engine's address; null = <c>DOCKER_HOST</c>, else <c>unix:///var/run/docker.sock</c>.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>CPUs the container may use (<c>--cpus</c>, the engine's NanoCPUs); null = no CPU limit.</summary>
    public double? Cpus { get; init; }

    /// <summary>
    /// Read memory from the container's cgroup files when they are visible here (on): every 100 ms with the kernel's
    /// <c>oom_kill</c> counter. Off, or when not visible (remote or rootless engine): the engine's stats API, about
    /// once a second and without the counter.
    /// </summary>
    public bool CgroupFiles { get; init; } = true;

    /// <summary>
    /// False (the default): evict the image's layer files (the folders the engine's GraphDriver data names, when they
    /// are on this host) and the host files behind bind mounts the command runs from (the host's .NET, the app) before
    /// each start, as the local runner's cold start does.
    /// </summary>
    public bool Warm { get; init; }

    /// <summary>
    /// How often the container cgroup's <c>oom_kill</c> counter is read (5 ms): the engine removes the cgroup 20–50 ms
    /// after a kill (measured here), so the sampling interval would miss most rises.
    /// </summary>
    public TimeSpan OomWatchInterval { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>SIGTERM, then SIGKILL after this long (5 s), as a kubelet's termination grace period.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);
}
