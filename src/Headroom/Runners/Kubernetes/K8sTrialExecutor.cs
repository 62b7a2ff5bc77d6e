using System.Diagnostics;
using Headroom.Memory;
using Headroom.Runners.Local;
using Headroom.Trials;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Runs trials in a Kubernetes Deployment: per trial it patches the container's memory limit and request (= limit) and
/// the knob set's env, waits for the rollout, finds the new pod, runs the load against the given URL, and reads the
/// pod's container status (OOMKilled, exit code, restart count) to classify the trial. The container's original
/// <c>resources</c> and <c>env</c> are saved on the Deployment before the first patch and restored at the end, on
/// cancellation, and by <see cref="RestoreAsync"/> (idempotent) after a crash.
/// </summary>
public sealed class K8sTrialExecutor(KubeConnection connection, DeploymentTarget target, ITrialLoad? load, K8sRunnerOptions options)
    : ITrialExecutor, IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly List<PodPortForward> _forwards = [];
    private int _trials;
    private bool _patched;
    private volatile string? _currentPod;

    public async Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        var trial = Interlocked.Increment(ref _trials);
        if (trial == 1)
        {
            _forwards.AddRange(options.PortForwards.Select(f => new PodPortForward(connection, () => _currentPod, f.Local, f.Remote)));
        }
        var interruptions = new List<string>();
        try
        {
            while (true)
            {
                try
                {
                    var result = await RunCoreAsync(request, trial, progress, cancellationToken);
                    var reruns = interruptions.Count == 0 ? "" : $"; run again after: {string.Join("; ", interruptions)}";
                    return result with { WallTime = wall.Elapsed, Evidence = result.Evidence + reruns };
                }
                catch (PodInterruptedException e) when (interruptions.Count < options.InterruptedReruns)
                {
                    interruptions.Add(e.Message);
                    progress?.Report($"interrupted: {e.Message}; running the trial again");
                }
            }
        }
        catch (PodInterruptedException e)
        {
            throw new UserInputException(
                $"the trial's pod was interrupted {interruptions.Count + 1} times ({string.Join("; ", interruptions.Append(e.Message))}): the cluster is moving pods (a drain, a scale-down, preemption, a GitOps revert); --resume later", e);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            throw new UserInputException(
                $"{connection.Where} did not accept the credentials (401 on {e.Request.Method} {e.Request.RequestUri.AbsolutePath}): a token from an exec plugin or a cloud login may have expired; refresh it (kubectl get pods does) and --resume", e);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && options.RestoreOriginal)
        {
            progress?.Report($"cancelled; restoring {target.Describe()}");
            await RestoreWithTimeoutAsync();
            throw;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.Forbidden)
        {
            throw new UserInputException(
                $"{connection.Where} refused {e.Request.Method} {e.Request.RequestUri.AbsolutePath} ({(int)e.Response.StatusCode}); grant the Role in deploy/k8s/rbac or use another --context", e);
        }
    }

    private async Task<TrialResult> RunCoreAsync(TrialRequest request, int trial, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var client = connection.Client;
        var patched = await DeploymentWriter.PatchForTrialAsync(connection, target, options, request, DeploymentPatches.NewTrialId(trial),
            () => _patched = true, cancellationToken);
        progress?.Report($"patched {target.Describe()}: memory {request.Limit?.ToString() ?? "unlimited"}, knobs {request.Knobs.Name}; waiting for the rollout");
        var rollout = await Rollout.WaitAsync(client, connection.Namespace, target.Name, target.Container, patched.Metadata.Generation ?? 0,
            options.RolloutTimeout, options.PollInterval, cancellationToken);
        var pods = await Rollout.CurrentPodsAsync(client, connection.Namespace, target.Name, cancellationToken);
        var pod = pods.Count == 0 ? null : pods[0];
        var knobs = request.Knobs.Render(request.Limit);
        var details = new TrialDetails
        {
            Runner = $"kubernetes {connection.Where}, {target.Describe()}",
            Target = target.Describe(),
            KnobEnvironment = knobs,
        };
        if (!rollout.Done || pod is null)
        {
            var status = pod is null ? null : Status(pod);
            var log = pod is null ? [] : await PreviousLogAsync(pod, status, 0, cancellationToken);
            var (outcome, evidence) = PodOutcome.Classify(pod?.Metadata.Name ?? $"(none{(rollout.ReplicaSet is null ? "" : $" of replicaset/{rollout.ReplicaSet}")})",
                status, 0, false, log,
                rollout.Stuck ?? $"rollout not done within {options.RolloutTimeout.TotalSeconds:0.#} s ({rollout.Description})", pod?.Status);
            var events = await PodEvents.ListAsync(client, connection.Namespace, pod?.Metadata.Name, PodEvents.ReplicaSetOf(pod) ?? rollout.ReplicaSet, cancellationToken);
            return new TrialResult(request, outcome, WithWarnings(outcome, evidence, events), null, Empty, status?.RestartCount ?? 0, TimeSpan.Zero)
            {
                Details = details with { Terminated = Termination(PodOutcome.Ended(status, 0)), OutputTail = log, Events = events },
            };
        }
        if (AppliedCheck.NotApplied(patched, pod, target.Container) is { } different)
        {
            throw new UserInputException(
                $"limit not applied: {different}; a LimitRange, a VPA, a policy engine or a webhook changed the pod, so its trial would not measure what it says");
        }
        _currentPod = pod.Metadata.Name;
        progress?.Report($"rolled out: pod {pod.Metadata.Name}{string.Concat(_forwards.Select(f => $", port-forward 127.0.0.1:{f.LocalPort} -> {f.RemotePort}"))}");
        return await ObserveAsync(request, pod, details, progress, cancellationToken);
    }

    /// <summary>Runs the load against the rolled-out pod while watching its container status, then classifies.</summary>
    private async Task<TrialResult> ObserveAsync(TrialRequest request, V1Pod pod, TrialDetails details, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var name = pod.Metadata.Name;
        // The pod is new with this trial (its template changed): every restart it had, before Ready too, is the trial's.
        const int restartsBefore = 0;
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var exited = WatchAsync(name, restartsBefore, watching.Token);
        var launch = new TargetLaunch([target.Describe()]) { ReadyUrl = options.ReadyUrl, StatsUrl = options.StatsUrl };
        var detector = new ThrashingDetector(request.Limit?.Bytes, new ThrashingSettings());
        await using var stats = options.StatsUrl is { } url ? new HttpStatsSource(_http, url, options.SampleInterval) : null;
        await using var observation = PodObservation.Start(connection, pod, target.Container, options, cancellationToken);
        await using var sampler = new MemorySampler(null, () => null, () => stats?.Latest, () => null, options.SampleInterval)
        {
            ReadingWithoutCgroup = observation.Cgroup,
            WorkingSet = observation.WorkingSet,
        };
        sampler.Sampled += detector.Observe;
        stats?.Start(cancellationToken);
        sampler.Start();
        try
        {
            var ready = await ReadinessProbe.WaitAsync(_http, options.ReadyUrl, exited, () => false, options.ReadyTimeout, cancellationToken);
            var window = ready != ReadinessProbe.Result.Ready ? null : await LoadWindow.MeasureAsync(sampler, stats, null, exited, detector,
                () => TrialLoadStep.RunAsync(load, launch, exited, detector, sampler, options.Hold, options.LoadTimeout, progress, cancellationToken),
                cancellationToken);
            await watching.CancelAsync();
            var current = await ReadPodAsync(name, cancellationToken);
            var status = Status(current);
            if (PodOutcome.Ended(status, restartsBefore)?.Reason != "OOMKilled" && PodOutcome.Disrupted(current) is { } disruption)
            {
                throw new PodInterruptedException($"pod {name}: {disruption}");
            }
            var log = await PreviousLogAsync(current, status, restartsBefore, cancellationToken);
            var forwardError = _forwards.Select(f => f.LastError).FirstOrDefault(e => e is not null);
            var notReady = ready == ReadinessProbe.Result.TimedOut
                ? $"{options.ReadyUrl} never answered within {options.ReadyTimeout.TotalSeconds:0.#} s{(forwardError is null ? "" : $" (port-forward: {forwardError})")}"
                : null;
            var (outcome, evidence) = PodOutcome.Classify(name, status, restartsBefore, ready == ReadinessProbe.Result.Ready, log, notReady, current.Status, detector.Evidence);
            sampler.Take();
            var samples = sampler.Samples;
            var (sources, events) = await observation.FinishAsync(current, samples, cancellationToken);
            details = details with
            {
                Terminated = Termination(status?.State?.Terminated),
                LastState = Termination(PodOutcome.Ended(status, restartsBefore) is { } e && status?.State?.Terminated is null ? e : null),
                OutputTail = log,
                Samples = samples,
                MemorySources = sources,
                Events = events,
            };
            return new TrialResult(request, outcome, WithWarnings(outcome, evidence, events), window?.Load?.Summary,
                TrialFigures.Summarize(samples, window?.Runtime, null), (status?.RestartCount ?? restartsBefore) - restartsBefore, TimeSpan.Zero)
            {
                Details = window?.Into(details) ?? details,
            };
        }
        finally
        {
            await watching.CancelAsync();
        }
    }

    /// <summary>The pod at the end of its trial; gone (deleted by a drain, a scale-down, a person) is an interruption.</summary>
    private async Task<V1Pod> ReadPodAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.Client.CoreV1.ReadNamespacedPodAsync(name, connection.Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new PodInterruptedException($"pod {name} was deleted during the trial");
        }
    }

    /// <summary>Completes when the container's run ends (its restart count rises or it is terminated) or the pod is gone.</summary>
    private Task WatchAsync(string pod, int restartsBefore, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        try
        {
            while (true)
            {
                await Task.Delay(options.PollInterval, cancellationToken);
                try
                {
                    var current = await connection.Client.CoreV1.ReadNamespacedPodAsync(pod, connection.Namespace, cancellationToken: cancellationToken);
                    if (PodOutcome.Ended(Status(current), restartsBefore) is not null || current.Status?.Phase == "Failed" || PodOutcome.Disrupted(current) is not null)
                    {
                        return;
                    }
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The trial is over (or cancelled): nothing more to watch.
        }
    }, CancellationToken.None);

    /// <summary>A failed start or a crash gets the cluster's warnings (FailedScheduling, Evicted, BackOff) as its reasons.</summary>
    private static string WithWarnings(TrialOutcome outcome, string evidence, IReadOnlyList<TrialEvent> events) =>
        outcome is TrialOutcome.StartFailed or TrialOutcome.Crashed && PodEvents.Warnings(events) is { } warnings ? $"{evidence}; {warnings}" : evidence;

    private V1ContainerStatus? Status(V1Pod pod) => pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == target.Container);

    /// <summary>The last lines the container's previous run wrote, when it ended during the trial (for a runtime's OOM message).</summary>
    private async Task<IReadOnlyList<string>> PreviousLogAsync(V1Pod pod, V1ContainerStatus? status, int restartsBefore, CancellationToken cancellationToken)
    {
        if (PodOutcome.Ended(status, restartsBefore) is null)
        {
            return [];
        }
        try
        {
            var previous = status?.State?.Terminated is null;
            await using var stream = await connection.Client.CoreV1.ReadNamespacedPodLogAsync(
                pod.Metadata.Name, connection.Namespace, container: target.Container, previous: previous, tailLines: 25, cancellationToken: cancellationToken);
            using var reader = new StreamReader(stream);
            var text = await reader.ReadToEndAsync(cancellationToken);
            return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
        }
        catch (HttpOperationException)
        {
            return [];
        }
    }

    private static TerminationState? Termination(V1ContainerStateTerminated? ended) => ended is null
        ? null
        : new TerminationState(ended.Reason ?? "Error", ended.ExitCode, ended.FinishedAt ?? DateTime.UtcNow,
            $"{ended.Reason ?? "Error"}, exit {ended.ExitCode}");

    private static readonly TrialMemorySummary Empty = new(null, null, null, null, null, null, null, null);

    /// <summary>
    /// Puts this run's saved original back and removes Headroom's annotations; false when there was nothing of this
    /// run's to restore (another run's saved original is left alone). Safe to call any number of times.
    /// </summary>
    public async Task<bool> RestoreAsync(CancellationToken cancellationToken)
    {
        var restored = await DeploymentWriter.RestoreAsync(connection, target.Name, options.RunId, cancellationToken);
        _patched = false;
        return restored;
    }

    /// <summary>The restore at the end or after Ctrl+C; when it fails, the one-line error says how to do it by hand.</summary>
    private async Task RestoreWithTimeoutAsync()
    {
        using var timeout = new CancellationTokenSource(options.RestoreTimeout);
        try
        {
            await RestoreAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or OperationCanceledException or UserInputException)
        {
            var why = e is OperationCanceledException ? $"no answer within {options.RestoreTimeout.TotalSeconds:0.#} s" : e.Message.Split('\n')[0];
            throw new UserInputException($"could not restore deployment/{target.Name} ({why}); it still runs with the trial's limit: restore it with {connection.RestoreCommand(target.Name)}", e);
        }
    }

    /// <summary>Restores the Deployment when a trial patched it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_patched && options.RestoreOriginal)
            {
                await RestoreWithTimeoutAsync();
            }
        }
        finally
        {
            foreach (var forward in _forwards)
            {
                await forward.DisposeAsync();
            }
            _http.Dispose();
        }
    }
}

/// <summary>The trial's pod was taken away by the cluster (deleted, drained, preempted): the trial says nothing about its limit.</summary>
internal sealed class PodInterruptedException(string message) : Exception(message);
