using Headroom.Cgroups;
using Headroom.Memory;
using Headroom.Trials;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// What the runner watches of a trial's pod beside its container status: the container's cgroup through
/// <c>exec</c> and its working set from <c>metrics.k8s.io</c> while the trial runs (fed into the trial's sample
/// series), then the pod's events and each memory source's peak when it ends.
/// </summary>
public sealed class PodObservation : IAsyncDisposable
{
    private readonly KubeConnection _connection;
    private readonly PodCgroupSampler? _cgroup;
    private readonly PodMetricsSampler? _metrics;
    private bool _disposed;

    public static readonly TimeSpan FirstAnswerWait = TimeSpan.FromSeconds(3);

    private PodObservation(KubeConnection connection, PodCgroupSampler? cgroup, PodMetricsSampler? metrics)
    {
        _connection = connection;
        _cgroup = cgroup;
        _metrics = metrics;
    }

    /// <summary>Starts both samplers for the pod (each only when its interval is set).</summary>
    public static PodObservation Start(KubeConnection connection, V1Pod pod, string container, K8sRunnerOptions options, CancellationToken cancellationToken)
    {
        var name = pod.Metadata.Name;
        var cgroup = options.CgroupInterval is { } every ? new PodCgroupSampler(connection, name, container, every) : null;
        var hash = pod.Metadata.Labels?.TryGetValue(Rollout.PodTemplateHash, out var h) == true ? h : null;
        var metrics = options.MetricsInterval is { } interval
            ? new PodMetricsSampler(connection, name, container, hash is null ? "" : $"{Rollout.PodTemplateHash}={hash}", interval)
            : null;
        cgroup?.Start(cancellationToken);
        metrics?.Start(cancellationToken);
        return new PodObservation(connection, cgroup, metrics);
    }

    /// <summary>For <see cref="MemorySampler.ReadingWithoutCgroup"/>: the latest reading of the container's cgroup.</summary>
    public CgroupMemoryReading? Cgroup() => _cgroup?.Latest;

    /// <summary>For <see cref="MemorySampler.WorkingSet"/>: the latest working set from metrics.k8s.io.</summary>
    public long? WorkingSet() => _metrics?.Latest;

    /// <summary>
    /// Stops sampling; each source's peak (the runtime's from the samples) and the pod's events. A trial shorter than
    /// a source's first answer (exec finds the cgroup's layout in up to three calls) waits up to
    /// <see cref="FirstAnswerWait"/> for it, so the report has a reading or says why there is none.
    /// </summary>
    public async Task<(IReadOnlyList<MemorySourcePeak> Sources, IReadOnlyList<TrialEvent> Events)> FinishAsync(
        V1Pod pod, IReadOnlyList<MemorySample> samples, CancellationToken cancellationToken)
    {
        var first = new[] { _cgroup?.FirstAnswer, _metrics?.FirstAnswer }.OfType<Task>();
        await Task.WhenAny(Task.WhenAll(first), Task.Delay(FirstAnswerWait, cancellationToken));
        await DisposeAsync();
        var sources = new List<MemorySourcePeak>();
        if (_cgroup is not null)
        {
            sources.Add(_cgroup.Peak());
        }
        if (_metrics is not null)
        {
            sources.Add(_metrics.Peak());
        }
        var runtime = samples.Where(s => s.Runtime?.SysBytes is not null).ToArray();
        if (runtime.Length > 0)
        {
            sources.Add(new MemorySourcePeak($"runtime {runtime[^1].Runtime!.Source} Sys", runtime.Max(s => s.Runtime!.SysBytes), runtime.Length));
        }
        var events = await PodEvents.ListAsync(_connection.Client, _connection.Namespace, pod.Metadata.Name, PodEvents.ReplicaSetOf(pod), cancellationToken);
        return (sources, events);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_cgroup is not null)
        {
            await _cgroup.DisposeAsync();
        }
        if (_metrics is not null)
        {
            await _metrics.DisposeAsync();
        }
    }
}
