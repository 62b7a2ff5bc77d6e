using Headroom.Cgroups;
using Headroom.Memory;
using Headroom.Trials;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// What the runner watches of a trial's pod beside its container status: the container's memory from its node's
/// kubelet (the Summary API, no exec), its cgroup files through <c>exec</c> (where the image has <c>cat</c> and the
/// limit is not too small for an exec to be charged to it) and its working set from <c>metrics.k8s.io</c> while the
/// trial runs (fed into the trial's sample series), then the pod's events and each memory source's peak when it ends.
/// A reading of the cgroup files wins over the kubelet's (it has the kernel's peak and OOM counts).
/// </summary>
public sealed class PodObservation : IAsyncDisposable
{
    private readonly KubeConnection _connection;
    private readonly PodCgroupSampler? _cgroup;
    private readonly PodMetricsSampler? _metrics;
    private readonly PodSummarySampler? _summary;
    private readonly string? _execSkipped;
    private bool _disposed;

    public static readonly TimeSpan FirstAnswerWait = TimeSpan.FromSeconds(3);

    private PodObservation(KubeConnection connection, PodCgroupSampler? cgroup, PodMetricsSampler? metrics, PodSummarySampler? summary, string? execSkipped)
    {
        _connection = connection;
        _cgroup = cgroup;
        _metrics = metrics;
        _summary = summary;
        _execSkipped = execSkipped;
    }

    /// <summary>
    /// Starts the samplers for the pod (each only when its interval is set; exec not below
    /// <see cref="K8sRunnerOptions.ExecMinLimitBytes"/>, the kubelet's summary only once the pod has a node).
    /// </summary>
    public static PodObservation Start(KubeConnection connection, V1Pod pod, string container, K8sRunnerOptions options, CancellationToken cancellationToken)
    {
        var name = pod.Metadata.Name;
        var limit = AppliedCheck.LimitBytes(pod, container);
        var execSkipped = options.CgroupInterval is not null && limit < options.ExecMinLimitBytes
            ? $"exec skipped at a {limit / (1024 * 1024)} MiB limit (below {options.ExecMinLimitBytes / (1024 * 1024)} MiB an exec's cat is charged to the container and may be OOM-killed itself)"
            : null;
        var cgroup = options.CgroupInterval is { } every && execSkipped is null
            ? new PodCgroupSampler(connection, name, container, every, options.ExecTimeout)
            : null;
        var summary = options.SummaryInterval is { } often && pod.Spec?.NodeName is { Length: > 0 } node
            ? new PodSummarySampler(connection, node, name, container, often)
            : null;
        var hash = pod.Metadata.Labels?.TryGetValue(Rollout.PodTemplateHash, out var h) == true ? h : null;
        var metrics = options.MetricsInterval is { } interval
            ? new PodMetricsSampler(connection, name, container, hash is null ? "" : $"{Rollout.PodTemplateHash}={hash}", interval)
            : null;
        cgroup?.Start(cancellationToken);
        metrics?.Start(cancellationToken);
        summary?.Start(cancellationToken);
        return new PodObservation(connection, cgroup, metrics, summary, execSkipped);
    }

    /// <summary>
    /// For <see cref="MemorySampler.ReadingWithoutCgroup"/>: the latest reading of the container's cgroup files, else
    /// the kubelet's latest.
    /// </summary>
    public CgroupMemoryReading? Cgroup() => _cgroup?.Latest ?? _summary?.Latest;

    /// <summary>The container's cgroup at the trial's last exec reading that succeeded (its <c>memory.events</c>); null without exec.</summary>
    public CgroupMemoryReading? LastEvents() => _cgroup?.LastGood;

    /// <summary>The container's cgroup version, where an exec found it.</summary>
    public string? CgroupVersion => _cgroup?.Version;

    /// <summary>The container's highest usage read: from its cgroup, else from the kubelet.</summary>
    public long? PeakUsage() => _cgroup?.Peak().PeakBytes ?? _summary?.Peak().PeakBytes;

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
        var first = new[] { _cgroup?.FirstAnswer, _metrics?.FirstAnswer, _summary?.FirstAnswer }.OfType<Task>();
        await Task.WhenAny(Task.WhenAll(first), Task.Delay(FirstAnswerWait, cancellationToken));
        await DisposeAsync();
        var sources = new List<MemorySourcePeak>();
        if (_cgroup is not null)
        {
            sources.Add(_cgroup.Peak());
        }
        else if (_execSkipped is not null)
        {
            sources.Add(new MemorySourcePeak("cgroup through exec", null, 0, _execSkipped));
        }
        if (_summary is not null)
        {
            sources.Add(_summary.Peak());
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
        if (_summary is not null)
        {
            await _summary.DisposeAsync();
        }
    }
}
