using Docker.DotNet;
using Docker.DotNet.Models;
using Headroom.Cgroups;

namespace Headroom.Runners.Docker;

/// <summary>
/// Where one run of a container gets its memory figures: the container's cgroup files where they can be read here
/// (with the OOM-kill watch and the pid), else the engine's stats stream, which ends with each run.
/// </summary>
internal sealed class ContainerMemory(IDockerClient client, string containerId, DockerRunnerOptions options) : IAsyncDisposable
{
    private EngineStatsSource? _engineStats;
    private OomKillWatch? _oomWatch;
    private MemoryCgroup? _cgroup;

    /// <summary>The container's main pid, where its cgroup can be read here.</summary>
    public int? Pid { get; private set; }

    /// <summary>For the report: <c>cgroup v1 /sys/fs/cgroup/memory/…</c> or the engine's stats API and why.</summary>
    public string Source { get; private set; } = "";

    /// <summary>True when the OOM watch saw the kernel kill a process of this run.</summary>
    public bool KernelKilled => _oomWatch?.Highest > 0;

    /// <summary>Finds this run's source: the started container's cgroup, else the engine's stats stream.</summary>
    public async Task FollowAsync(ContainerState started, CancellationToken cancellationToken)
    {
        var reason = options.CgroupFiles ? "it had exited already" : "turned off";
        _cgroup = options.CgroupFiles && started.Running ? ContainerCgroup.Locate(containerId, started.Pid, out reason) : null;
        if (_cgroup is not null)
        {
            Pid = (int)started.Pid;
            _oomWatch = new OomKillWatch(_cgroup, options.OomWatchInterval);
            Source = $"cgroup {(_cgroup.Version == CgroupVersion.V1 ? "v1" : "v2")} {_cgroup.Directory}";
        }
        else
        {
            Pid = null;
            // The engine's stats stream ends with each run of the container.
            if (_engineStats is not null)
            {
                await _engineStats.DisposeAsync();
            }
            _engineStats = new EngineStatsSource(client, containerId, cancellationToken);
            Source = $"the engine's stats API (cgroup not readable here: {reason})";
        }
    }

    /// <summary>
    /// The container's cgroup while it has processes, else the engine's stats. An emptied cgroup reads 0 everywhere
    /// in the moments before the engine removes it, which would read as a drop in usage and fault counts.
    /// </summary>
    public CgroupMemoryReading? Read()
    {
        if (_cgroup is { } cgroup)
        {
            return cgroup.ReadPids().Count == 0 ? null : cgroup.Read();
        }
        return _engineStats?.Latest;
    }

    /// <summary>Ends the run's OOM watch: the cgroup's <c>oom_kill</c> counter before and after, and whether it was lost.</summary>
    public async Task<(long? Before, long? After, bool Lost)> StopWatchingAsync()
    {
        if (_oomWatch is not { } watch)
        {
            return (null, null, false);
        }
        _oomWatch = null;
        await watch.DisposeAsync();
        // The engine makes the cgroup for this start, so its counter began at 0 even when the watch's first read
        // came after a kill.
        return (0, watch.Final, watch.Final is null);
    }

    public async ValueTask DisposeAsync()
    {
        await (_oomWatch?.DisposeAsync() ?? ValueTask.CompletedTask);
        _oomWatch = null;
        await (_engineStats?.DisposeAsync() ?? ValueTask.CompletedTask);
        _engineStats = null;
    }
}
