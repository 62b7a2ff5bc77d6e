using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Headroom.Cgroups;
using Headroom.Memory;
using Headroom.Runners.Local;
using Headroom.Trials;

namespace Headroom.Runners.Docker;

/// <summary>
/// One trial in one container that is already created with its limit: start → ready → runtime figures before → load →
/// figures after → (start again after a death, like a kubelet) → classify → stop. Samples throughout, from the
/// container's cgroup files where they can be read here, else from the engine's stats stream.
/// </summary>
internal sealed class DockerTrialRun(
    IDockerClient client,
    string containerId,
    TrialRequest request,
    TargetLaunch launch,
    IReadOnlyDictionary<string, string> knobs,
    ITrialLoad? load,
    DockerRunnerOptions options,
    IProgress<string>? progress) : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private HttpStatsSource? _stats;
    private EngineStatsSource? _engineStats;
    private OomKillWatch? _oomWatch;
    private MemoryCgroup? _cgroup;
    private int? _pid;
    private string _memorySource = "";

    public async Task<TrialResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        var detector = new ThrashingDetector(request.Limit?.Bytes, options.Thrashing);
        await using var sampler = new MemorySampler(null, () => _pid, () => _stats?.Latest, () => null, options.SampleInterval)
        {
            ReadingWithoutCgroup = ReadContainer,
        };
        sampler.Sampled += detector.Observe;
        if (launch.StatsUrl is { } statsUrl)
        {
            _stats = new HttpStatsSource(_http, statsUrl, options.SampleInterval);
        }
        sampler.Start();
        _stats?.Start(cancellationToken);
        var restarts = 0;
        TerminationState? lastState = null;
        LoadWindow? window = null;
        try
        {
            while (true)
            {
                var runStart = DateTimeOffset.UtcNow;
                var exited = await StartAsync(cancellationToken);
                sampler.Phase = "start";
                var ready = await ReadinessProbe.WaitAsync(_http, launch.ReadyUrl, exited,
                    () => detector.Evidence is not null, options.ReadyTimeout, cancellationToken);
                var pressure = ready == ReadinessProbe.Result.TimedOut ? StartPressure.Describe(sampler.Samples, request.Limit, options.Thrashing.NearLimit) : null;
                if (ready == ReadinessProbe.Result.TimedOut && detector.Evidence is null && !(_oomWatch?.Highest > 0) && pressure is null)
                {
                    throw new UserInputException(
                        $"{launch.ReadyUrl} never answered within {options.ReadyTimeout.TotalSeconds:0.#} s though the container is running and not short of memory; check --ready and --port (the container's port)");
                }
                if (ready == ReadinessProbe.Result.Ready)
                {
                    progress?.Report($"ready (container {containerId[..12]}, pid {_pid?.ToString(CultureInfo.InvariantCulture) ?? "not visible here"})");
                    var measured = await LoadWindow.MeasureAsync(sampler, _stats, null, exited, detector,
                        () => TrialLoadStep.RunAsync(load, launch, exited, detector, sampler, options.Hold, options.LoadTimeout, progress, cancellationToken),
                        cancellationToken);
                    // After a restart whose load ended before it began, the earlier run's report stands.
                    window = measured with { Load = measured.Load ?? window?.Load };
                }
                var state = exited.IsCompleted ? await ExitedStateAsync(cancellationToken) : null;
                var exit = state is null ? null : new ExitStatus((int)state.ExitCode, ParseTime(state.FinishedAt));
                var engineOomKilled = state?.OOMKilled ?? (await InspectAsync(cancellationToken)).State.OOMKilled;
                var (oomBefore, oomAfter, counterLost) = await StopWatchingAsync();
                var output = await LogTailAsync(runStart, cancellationToken);
                var (outcome, evidence) = ContainerOutcome.Classify(
                    new TrialObservation(exit, ready == ReadinessProbe.Result.Ready, oomBefore, oomAfter, output, detector.Evidence),
                    engineOomKilled, counterLost);
                if (outcome == TrialOutcome.StartFailed && pressure is not null)
                {
                    evidence = StartPressure.AddTo(evidence, pressure, options.ReadyTimeout);
                }
                if (exit is not null && restarts < request.Restarts)
                {
                    lastState = TrialFigures.Termination(outcome, exit, evidence);
                    restarts++;
                    progress?.Report($"{outcome.ToKebab()} ({evidence}); restart {restarts} of {request.Restarts}");
                    // The next run is judged on its own: a window across a death and a start would add both runs' faults.
                    detector.Reset();
                    continue;
                }
                sampler.Phase = "stop";
                var terminated = exit is null ? null : TrialFigures.Termination(outcome, exit, evidence);
                if (exit is null)
                {
                    await StopAsync(cancellationToken);
                }
                sampler.Take();
                var samples = sampler.Samples;
                var details = new TrialDetails
                {
                    Runner = $"container {containerId[..12]}, memory from {_memorySource}",
                    KnobEnvironment = knobs,
                    Terminated = terminated,
                    LastState = lastState,
                    OutputTail = output,
                    Samples = samples,
                };
                return new TrialResult(request, outcome, evidence, window?.Load?.Summary,
                    TrialFigures.Summarize(samples, window?.Runtime, null), restarts, TimeSpan.Zero)
                {
                    Details = window?.Into(details) ?? details,
                };
            }
        }
        finally
        {
            await DisposeAsync();
        }
    }

    /// <summary>Starts the container (again), finds its cgroup and begins watching; returns the task that ends with it.</summary>
    private async Task<Task> StartAsync(CancellationToken cancellationToken)
    {
        await client.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), cancellationToken);
        var started = await InspectAsync(cancellationToken);
        var exited = client.Containers.WaitContainerAsync(containerId, cancellationToken);
        var reason = options.CgroupFiles ? "it had exited already" : "turned off";
        _cgroup = options.CgroupFiles && started.State.Running ? ContainerCgroup.Locate(containerId, started.State.Pid, out reason) : null;
        if (_cgroup is not null)
        {
            _pid = (int)started.State.Pid;
            _oomWatch = new OomKillWatch(_cgroup, options.OomWatchInterval);
            _memorySource = $"cgroup {(_cgroup.Version == CgroupVersion.V1 ? "v1" : "v2")} {_cgroup.Directory}";
        }
        else
        {
            _pid = null;
            // The engine's stats stream ends with each run of the container.
            if (_engineStats is not null)
            {
                await _engineStats.DisposeAsync();
            }
            _engineStats = new EngineStatsSource(client, containerId, cancellationToken);
            _memorySource = $"the engine's stats API (cgroup not readable here: {reason})";
        }
        return exited;
    }

    /// <summary>
    /// The container's cgroup while it has processes, else the engine's stats. An emptied cgroup reads 0 everywhere
    /// in the moments before the engine removes it, which would read as a drop in usage and fault counts.
    /// </summary>
    private CgroupMemoryReading? ReadContainer()
    {
        if (_cgroup is { } cgroup)
        {
            return cgroup.ReadPids().Count == 0 ? null : cgroup.Read();
        }
        return _engineStats?.Latest;
    }

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

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await client.Containers.StopContainerAsync(containerId,
                new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(options.StopGrace.TotalSeconds) }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    private static DateTimeOffset ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.UtcNow;

    public async ValueTask DisposeAsync()
    {
        if (_oomWatch is not null)
        {
            await _oomWatch.DisposeAsync();
            _oomWatch = null;
        }
        if (_engineStats is not null)
        {
            await _engineStats.DisposeAsync();
            _engineStats = null;
        }
        if (_stats is not null)
        {
            await _stats.DisposeAsync();
            _stats = null;
        }
        _http.Dispose();
    }
}
