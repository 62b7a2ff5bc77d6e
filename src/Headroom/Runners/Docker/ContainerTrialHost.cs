using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Headroom.Cgroups;
using Headroom.Runners.Local;
using Headroom.Runners.Trial;

namespace Headroom.Runners.Docker;

/// <summary>
/// The target as one container, already created with its limit: started again for each run, its figures read from
/// the container's cgroup files where they can be read here, else from the engine's stats stream
/// (<see cref="ContainerMemory"/>), and its end from the engine's state with the cgroup's <c>oom_kill</c> counter.
/// </summary>
internal sealed class ContainerTrialHost(IDockerClient client, string containerId, DockerRunnerOptions options) : ITrialHost
{
    private readonly ContainerMemory _memory = new(client, containerId, options);
    private Task _exited = Task.CompletedTask;
    private DateTimeOffset _runStart;

    public int? Pid => _memory.Pid;

    public string ReadyNote => $"container {containerId[..12]}, pid {Pid?.ToString(CultureInfo.InvariantCulture) ?? "not visible here"}";

    public bool KernelKilled => _memory.KernelKilled;

    public string? NeverReadyAdvice => "the container is running and not short of memory; check --ready and --port (the container's port)";

    public double? Cpus => options.Cpus;

    public async Task<Task> StartAsync(CancellationToken cancellationToken)
    {
        _runStart = DateTimeOffset.UtcNow;
        await client.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), cancellationToken);
        var started = await InspectAsync(cancellationToken);
        _exited = client.Containers.WaitContainerAsync(containerId, cancellationToken);
        await _memory.FollowAsync(started.State, cancellationToken);
        return _exited;
    }

    public CgroupMemoryReading? ReadMemory() => _memory.Read();

    public async Task<RunEnding> EndRunAsync(RunSeen seen, CancellationToken cancellationToken)
    {
        // The engine's state, not only the wait stream: on a loaded machine the wait's answer can come after the hold.
        var now = (await InspectAsync(cancellationToken)).State;
        var state = _exited.IsCompleted || !now.Running ? await ExitedStateAsync(cancellationToken) : null;
        var exit = state is null ? null : new ExitStatus((int)state.ExitCode, ParseTime(state.FinishedAt));
        var engineOomKilled = state?.OOMKilled ?? now.OOMKilled;
        var (oomBefore, oomAfter, counterLost) = await _memory.StopWatchingAsync();
        var output = await ContainerLogs.TailAsync(client, containerId, _runStart, cancellationToken);
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

    public string Describe() => $"container {containerId[..12]}, memory from {_memory.Source}";

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

    private static DateTimeOffset ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.UtcNow;

    public ValueTask DisposeAsync() => _memory.DisposeAsync();
}
