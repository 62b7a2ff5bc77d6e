using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Headroom.Cgroups;
using Headroom.Runners.Local;
using Headroom.Runners.Trial;

namespace Headroom.Runners.Docker;

/// <summary>
/// The target as one container, already created with its limit: started again for each run, its figures read from
/// the container's cgroup files where they can be read here, else from the engine's stats stream, and its end from the
/// engine's state with the cgroup's <c>oom_kill</c> counter.
/// </summary>
internal sealed class ContainerTrialHost(IDockerClient client, string containerId, DockerRunnerOptions options) : ITrialHost
{
    private EngineStatsSource? _engineStats;
    private OomKillWatch? _oomWatch;
    private MemoryCgroup? _cgroup;
    private Task _exited = Task.CompletedTask;
    private DateTimeOffset _runStart;
    private string _memorySource = "";

    public int? Pid { get; private set; }

    public string ReadyNote => $"container {containerId[..12]}, pid {Pid?.ToString(CultureInfo.InvariantCulture) ?? "not visible here"}";

    public bool KernelKilled => _oomWatch?.Highest > 0;

    public string? NeverReadyAdvice => "the container is running and not short of memory; check --ready and --port (the container's port)";

    public double? Cpus => options.Cpus;

    public async Task<Task> StartAsync(CancellationToken cancellationToken)
    {
        _runStart = DateTimeOffset.UtcNow;
        await client.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), cancellationToken);
        var started = await InspectAsync(cancellationToken);
        _exited = client.Containers.WaitContainerAsync(containerId, cancellationToken);
        var reason = options.CgroupFiles ? "it had exited already" : "turned off";
        _cgroup = options.CgroupFiles && started.State.Running ? ContainerCgroup.Locate(containerId, started.State.Pid, out reason) : null;
        if (_cgroup is not null)
        {
            Pid = (int)started.State.Pid;
            _oomWatch = new OomKillWatch(_cgroup, options.OomWatchInterval);
            _memorySource = $"cgroup {(_cgroup.Version == CgroupVersion.V1 ? "v1" : "v2")} {_cgroup.Directory}";
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
            _memorySource = $"the engine's stats API (cgroup not readable here: {reason})";
        }
        return _exited;
    }

    /// <summary>
    /// The container's cgroup while it has processes, else the engine's stats. An emptied cgroup reads 0 everywhere
    /// in the moments before the engine removes it, which would read as a drop in usage and fault counts.
    /// </summary>
    public CgroupMemoryReading? ReadMemory()
    {
        if (_cgroup is { } cgroup)
        {
            return cgroup.ReadPids().Count == 0 ? null : cgroup.Read();
        }
        return _engineStats?.Latest;
    }

    public async Task<RunEnding> EndRunAsync(RunSeen seen, CancellationToken cancellationToken)
    {
        var state = _exited.IsCompleted ? await ExitedStateAsync(cancellationToken) : null;
        var exit = state is null ? null : new ExitStatus((int)state.ExitCode, ParseTime(state.FinishedAt));
        var engineOomKilled = state?.OOMKilled ?? (await InspectAsync(cancellationToken)).State.OOMKilled;
        var (oomBefore, oomAfter, counterLost) = await StopWatchingAsync();
        var output = await LogTailAsync(_runStart, cancellationToken);
        var (outcome, evidence) = ContainerOutcome.Classify(
            new TrialObservation(exit, seen.BecameReady, oomBefore, oomAfter, output, seen.Decided), engineOomKilled, counterLost);
        return new RunEnding(outcome, evidence, exit, output);
    }

    public async Task StopAsync(bool kill, CancellationToken cancellationToken)
    {
        try
        {
            if (kill)
            {
                await client.Containers.KillContainerAsync(containerId, new ContainerKillParameters(), cancellationToken);
            }
            else
            {
                await client.Containers.StopContainerAsync(containerId,
                    new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(options.StopGrace.TotalSeconds) }, cancellationToken);
            }
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    public string Describe() => $"container {containerId[..12]}, memory from {_memorySource}";

    private async Task<(long? Before, long? After, bool Lost)> StopWatchingAsync()
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

    private async Task<ContainerState> ExitedStateAsync(CancellationToken cancellationToken)
    {
        // The engine reports the exit before it has always recorded the OOM flag; a short second look catches most.
        var state = (await InspectAsync(cancellationToken)).State;
        if (!state.OOMKilled && state.ExitCode == 137)
        {
            await Task.Delay(200, cancellationToken);
            state = (await InspectAsync(cancellationToken)).State;
        }
        return state;
    }

    private Task<ContainerInspectResponse> InspectAsync(CancellationToken cancellationToken) =>
        client.Containers.InspectContainerAsync(containerId, cancellationToken);

    /// <summary>The last lines this run wrote (stderr first, as the local runner keeps them).</summary>
    private async Task<IReadOnlyList<string>> LogTailAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        using var logs = await client.Containers.GetContainerLogsAsync(containerId, tty: false, new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Tail = "200",
            Since = (since.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture),
        }, cancellationToken);
        var (stdout, stderr) = await logs.ReadOutputToEndAsync(cancellationToken);
        static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'));
        return [.. Lines(stderr).TakeLast(20), .. Lines(stdout).TakeLast(5)];
    }

    private static DateTimeOffset ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.UtcNow;

    public async ValueTask DisposeAsync()
    {
        await (_oomWatch?.DisposeAsync() ?? ValueTask.CompletedTask);
        _oomWatch = null;
        await (_engineStats?.DisposeAsync() ?? ValueTask.CompletedTask);
        _engineStats = null;
    }
}
