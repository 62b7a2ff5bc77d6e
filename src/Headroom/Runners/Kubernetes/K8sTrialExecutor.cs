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
        try
        {
            var result = await RunCoreAsync(request, trial, progress, cancellationToken);
            return result with { WallTime = wall.Elapsed };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && options.RestoreOriginal)
        {
            progress?.Report($"cancelled; restoring {target.Describe()}");
            await RestoreWithTimeoutAsync();
            throw;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.Unauthorized)
        {
            throw new UserInputException(
                $"{connection.Where} refused {e.Request.Method} {e.Request.RequestUri.AbsolutePath} ({(int)e.Response.StatusCode}); grant the Role in deploy/k8s/rbac or use another --context", e);
        }
    }

    private async Task<TrialResult> RunCoreAsync(TrialRequest request, int trial, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var client = connection.Client;
        var deployment = await ReadAsync(cancellationToken);
        var patch = DeploymentPatches.ForTrial(deployment, target.Container, request.Limit, request.Knobs, DeploymentPatches.NewTrialId(trial));
        _patched = true;
        var patched = await client.AppsV1.PatchNamespacedDeploymentAsync(patch, target.Name, connection.Namespace, cancellationToken: cancellationToken);
        progress?.Report($"patched {target.Describe()}: memory {request.Limit?.ToString() ?? "unlimited"}, knobs {request.Knobs.Name}; waiting for the rollout");
        var rollout = await Rollout.WaitAsync(client, connection.Namespace, target.Name, patched.Metadata.Generation ?? 0,
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
            var (outcome, evidence) = PodOutcome.Classify(pod?.Metadata.Name ?? "(none)", status, 0, false, log,
                $"rollout not done within {options.RolloutTimeout.TotalSeconds:0.#} s ({rollout.Description})", pod?.Status);
            var events = await PodEvents.ListAsync(client, connection.Namespace, pod?.Metadata.Name, PodEvents.ReplicaSetOf(pod), cancellationToken);
            return new TrialResult(request, outcome, WithWarnings(outcome, evidence, events), null, Empty, status?.RestartCount ?? 0, TimeSpan.Zero)
            {
                Details = details with { Terminated = Termination(PodOutcome.Ended(status, 0)), OutputTail = log, Events = events },
            };
        }
        _currentPod = pod.Metadata.Name;
        progress?.Report($"rolled out: pod {pod.Metadata.Name}{string.Concat(_forwards.Select(f => $", port-forward 127.0.0.1:{f.LocalPort} -> {f.RemotePort}"))}");
        return await ObserveAsync(request, pod, details, progress, cancellationToken);
    }

    /// <summary>Runs the load against the rolled-out pod while watching its container status, then classifies.</summary>
    private async Task<TrialResult> ObserveAsync(TrialRequest request, V1Pod pod, TrialDetails details, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var name = pod.Metadata.Name;
        var restartsBefore = Status(pod)?.RestartCount ?? 0;
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
            var current = await client().CoreV1.ReadNamespacedPodAsync(name, connection.Namespace, cancellationToken: cancellationToken);
            var status = Status(current);
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

        IKubernetes client() => connection.Client;
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
                    if (PodOutcome.Ended(Status(current), restartsBefore) is not null || current.Status?.Phase == "Failed")
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

    private async Task<V1Deployment> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await connection.Client.AppsV1.ReadNamespacedDeploymentAsync(target.Name, connection.Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new UserInputException($"deployment/{target.Name} is not in namespace {connection.Namespace} at {connection.Where}; check --namespace and --context", e);
        }
    }

    /// <summary>
    /// Puts the saved original back and removes Headroom's annotations; false when there was nothing to restore.
    /// Safe to call any number of times, from any process.
    /// </summary>
    public async Task<bool> RestoreAsync(CancellationToken cancellationToken)
    {
        var deployment = await ReadAsync(cancellationToken);
        if (DeploymentPatches.ForRestore(deployment) is not { } patch)
        {
            return false;
        }
        await connection.Client.AppsV1.PatchNamespacedDeploymentAsync(patch, target.Name, connection.Namespace, cancellationToken: cancellationToken);
        _patched = false;
        return true;
    }

    private async Task RestoreWithTimeoutAsync()
    {
        using var timeout = new CancellationTokenSource(options.RestoreTimeout);
        await RestoreAsync(timeout.Token);
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
