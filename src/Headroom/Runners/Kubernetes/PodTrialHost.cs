using Headroom.Cgroups;
using Headroom.Runners.Local;
using Headroom.Runners.Trial;
using Headroom.Trials;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// The target as the pod a patched Deployment rolls out: started by the rollout, restarted by its kubelet (never by
/// Headroom), its figures read from the container's cgroup through <c>exec</c> and from <c>metrics.k8s.io</c>, its end
/// from the container status the kubelet reports (OOMKilled, exit code, restart count) and the cluster's events.
/// </summary>
internal sealed class PodTrialHost(
    KubeConnection connection, DeploymentTarget target, V1Deployment patched, K8sRunnerOptions options,
    Action<string> podFound, Func<string?> forwardError) : ITrialHost
{
    private readonly PodContainer _container = new(connection, target.Container);
    private readonly CancellationTokenSource _watching = new();
    private V1Pod? _pod;
    private string? _rolloutFailure;
    private string? _replicaSet;
    private PodObservation? _observation;
    private DateTimeOffset _started = DateTimeOffset.UtcNow;
    private string? _node;

    // The pod is new with this trial (its template changed): every restart it had, before Ready too, is the trial's.
    private const int RestartsBefore = 0;

    public int? Pid => null;

    public string ReadyNote => $"pod {_pod?.Metadata.Name}";

    public bool KernelKilled => false;

    public string? NeverReadyAdvice => null;

    public bool StartsAgain => false;

    /// <summary>Waits for the rollout, then watches the new pod until its container's run ends.</summary>
    public async Task<Task> StartAsync(CancellationToken cancellationToken)
    {
        _started = DateTimeOffset.UtcNow;
        (_pod, _replicaSet, _rolloutFailure) = await RolledOutPod.WaitAsync(connection, target, patched, options, cancellationToken);
        if (_rolloutFailure is not null || _pod is null)
        {
            return Task.CompletedTask;
        }
        podFound(_pod.Metadata.Name);
        _observation = PodObservation.Start(connection, _pod, target.Container, options, cancellationToken);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _watching.Token);
        return _container.WatchAsync(_pod.Metadata.Name, RestartsBefore, options.PollInterval, linked);
    }

    public CgroupMemoryReading? ReadMemory() => _observation?.Cgroup();

    public long? WorkingSet() => _observation?.WorkingSet();

    public async Task<RunEnding> EndRunAsync(RunSeen seen, CancellationToken cancellationToken)
    {
        await _watching.CancelAsync();
        var pod = _pod is null ? null : await PodInterruptions.ReadPodAsync(connection, _pod.Metadata.Name, cancellationToken);
        var status = pod is null ? null : _container.Status(pod);
        var ended = PodOutcome.Ended(status, RestartsBefore);
        if (pod is not null)
        {
            PodInterruptions.ThrowIfDisrupted(pod, ended);
        }
        var log = pod is null ? [] : await _container.PreviousLogAsync(pod, status, RestartsBefore, cancellationToken);
        var notReady = _rolloutFailure ?? (seen.ReadyTimedOut
            ? $"{options.ReadyUrl} never answered within {options.ReadyTimeout.TotalSeconds:0.#} s{(forwardError() is { } e ? $" (port-forward: {e})" : "")}"
            : null);
        var (classified, said) = PodOutcome.Classify(pod?.Metadata.Name ?? $"(none{(_replicaSet is null ? "" : $" of replicaset/{_replicaSet}")})", status, RestartsBefore, seen.BecameReady, log, notReady,
            pod?.Status, seen.Decided);
        var (sources, events) = _observation is not null && pod is not null
            ? await _observation.FinishAsync(pod, seen.Samples, cancellationToken)
            : ([], await PodEvents.ListAsync(connection.Client, connection.Namespace, pod?.Metadata.Name, PodEvents.ReplicaSetOf(pod) ?? _replicaSet, cancellationToken));
        if (classified == TrialOutcome.OomKilled)
        {
            events = [.. events, .. await PodEvents.NodeOomsAsync(connection.Client, pod?.Spec?.NodeName, _started, cancellationToken)];
        }
        _node = await NodeDescription.ReadAsync(connection, pod?.Spec?.NodeName, _observation?.CgroupVersion, cancellationToken);
        var (outcome, evidence) = OomEvidence.Reconsider(classified, said, _observation?.LastEvents(), ended, events, _observation?.PeakUsage(), AppliedCheck.LimitBytes(pod, target.Container));
        return new RunEnding(outcome, PodEvents.WithWarnings(outcome, evidence, events),
            ended is null ? null : new ExitStatus(ended.ExitCode, ended.FinishedAt ?? DateTime.UtcNow), log)
        {
            Reason = ended is null ? null : ended.Reason ?? "Error",
            Restarts = (status?.RestartCount ?? RestartsBefore) - RestartsBefore,
            RunningAgain = ended is not null && status?.State?.Terminated is null,
            MemorySources = sources,
            Events = events,
        };
    }

    /// <summary>The pod is left to the Deployment: the executor restores or deletes it after the trials.</summary>
    public Task StopAsync(bool kill, CancellationToken cancellationToken) => Task.CompletedTask;

    public string Describe() => $"kubernetes {connection.Where}, {target.Describe()}{(_node is null ? "" : $", {_node}")}";

    public async ValueTask DisposeAsync()
    {
        await _watching.CancelAsync();
        if (_observation is not null)
        {
            await _observation.DisposeAsync();
        }
        _watching.Dispose();
    }
}
