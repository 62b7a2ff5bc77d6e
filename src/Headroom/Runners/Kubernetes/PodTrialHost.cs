using Headroom.Cgroups;
using Headroom.Runners.Local;
using Headroom.Runners.Trial;
using Headroom.Trials;
using k8s;
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
    private int _restartsBefore;
    private PodObservation? _observation;
    private DateTimeOffset _started = DateTimeOffset.UtcNow;
    private string? _node;

    public int? Pid => null;

    public string ReadyNote => $"pod {_pod?.Metadata.Name}";

    public bool KernelKilled => false;

    public string? NeverReadyAdvice => null;

    public bool StartsAgain => false;

    /// <summary>Waits for the rollout, then watches the new pod until its container's run ends.</summary>
    public async Task<Task> StartAsync(CancellationToken cancellationToken)
    {
        _started = DateTimeOffset.UtcNow;
        var client = connection.Client;
        var rollout = await Rollout.WaitAsync(client, connection.Namespace, target.Name, target.Container, patched.Metadata.Generation ?? 0,
            options.RolloutTimeout, options.PollInterval, cancellationToken);
        var pods = await Rollout.CurrentPodsAsync(client, connection.Namespace, target.Name, cancellationToken);
        _pod = pods.Count == 0 ? null : pods[0];
        _replicaSet = rollout.ReplicaSet;
        if (!rollout.Done || _pod is null)
        {
            _rolloutFailure = rollout.Stuck ?? $"rollout not done within {options.RolloutTimeout.TotalSeconds:0.#} s ({rollout.Description})";
            return Task.CompletedTask;
        }
        if (AppliedCheck.NotApplied(patched, _pod, target.Container) is { } different)
        {
            throw new UserInputException(
                $"limit not applied: {different}; a LimitRange, a VPA, a policy engine or a webhook changed the pod, so its trial would not measure what it says");
        }
        podFound(_pod.Metadata.Name);
        // The pod is new with this trial (its template changed): every restart it had, before Ready too, is the trial's.
        _restartsBefore = 0;
        _observation = PodObservation.Start(connection, _pod, target.Container, options, cancellationToken);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _watching.Token);
        return _container.WatchAsync(_pod.Metadata.Name, _restartsBefore, options.PollInterval, linked);
    }

    public CgroupMemoryReading? ReadMemory() => _observation?.Cgroup();

    public long? WorkingSet() => _observation?.WorkingSet();

    public async Task<RunEnding> EndRunAsync(RunSeen seen, CancellationToken cancellationToken)
    {
        await _watching.CancelAsync();
        var pod = _pod is null ? null : await ReadPodAsync(_pod.Metadata.Name, cancellationToken);
        var status = pod is null ? null : _container.Status(pod);
        if (pod is not null && PodOutcome.Ended(status, _restartsBefore)?.Reason != "OOMKilled" && PodOutcome.Disrupted(pod) is { } disruption)
        {
            throw new PodInterruptedException($"pod {pod.Metadata.Name}: {disruption}");
        }
        var log = pod is null ? [] : await _container.PreviousLogAsync(pod, status, _restartsBefore, cancellationToken);
        var notReady = _rolloutFailure ?? (seen.ReadyTimedOut
            ? $"{options.ReadyUrl} never answered within {options.ReadyTimeout.TotalSeconds:0.#} s{(forwardError() is { } e ? $" (port-forward: {e})" : "")}"
            : null);
        var (classified, said) = PodOutcome.Classify(pod?.Metadata.Name ?? $"(none{(_replicaSet is null ? "" : $" of replicaset/{_replicaSet}")})", status, _restartsBefore, seen.BecameReady, log, notReady,
            pod?.Status, seen.Decided);
        IReadOnlyList<MemorySourcePeak> sources = [];
        IReadOnlyList<TrialEvent> events;
        if (_observation is not null && pod is not null)
        {
            (sources, events) = await _observation.FinishAsync(pod, seen.Samples, cancellationToken);
        }
        else
        {
            events = await PodEvents.ListAsync(connection.Client, connection.Namespace, pod?.Metadata.Name, PodEvents.ReplicaSetOf(pod) ?? _replicaSet, cancellationToken);
        }
        var ended = PodOutcome.Ended(status, _restartsBefore);
        if (classified == TrialOutcome.OomKilled)
        {
            events = [.. events, .. await PodEvents.NodeOomsAsync(connection.Client, pod?.Spec?.NodeName, _started, cancellationToken)];
        }
        _node = await NodeDescription.ReadAsync(connection, pod?.Spec?.NodeName, _observation?.CgroupVersion, cancellationToken);
        var (outcome, evidence) = OomEvidence.Reconsider(classified, said, _observation?.LastEvents(), ended, events, _observation?.PeakUsage(), Limit(pod));
        return new RunEnding(outcome, WithWarnings(outcome, evidence, events),
            ended is null ? null : new ExitStatus(ended.ExitCode, ended.FinishedAt ?? DateTime.UtcNow), log)
        {
            Reason = ended is null ? null : ended.Reason ?? "Error",
            Restarts = (status?.RestartCount ?? _restartsBefore) - _restartsBefore,
            RunningAgain = ended is not null && status?.State?.Terminated is null,
            MemorySources = sources,
            Events = events,
        };
    }

    private long? Limit(V1Pod? pod) =>
        pod?.Spec?.Containers?.FirstOrDefault(c => c.Name == target.Container)?.Resources?.Limits is { } limits
        && limits.TryGetValue("memory", out var quantity) ? quantity.ToInt64() : null;

    /// <summary>The pod at the end of its trial; gone (deleted by a drain, a scale-down, a person) is an interruption.</summary>
    private async Task<V1Pod> ReadPodAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.Client.CoreV1.ReadNamespacedPodAsync(name, connection.Namespace, cancellationToken: cancellationToken);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new PodInterruptedException($"pod {name} was deleted during the trial");
        }
    }

    /// <summary>The pod is left to the Deployment: the executor restores or deletes it after the trials.</summary>
    public Task StopAsync(bool kill, CancellationToken cancellationToken) => Task.CompletedTask;

    public string Describe() => $"kubernetes {connection.Where}, {target.Describe()}{(_node is null ? "" : $", {_node}")}";

    /// <summary>A failed start or a crash gets the cluster's warnings (FailedScheduling, Evicted, BackOff) as its reasons.</summary>
    private static string WithWarnings(TrialOutcome outcome, string evidence, IReadOnlyList<TrialEvent> events) =>
        outcome is TrialOutcome.StartFailed or TrialOutcome.Crashed && PodEvents.Warnings(events) is { } warnings ? $"{evidence}; {warnings}" : evidence;

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
