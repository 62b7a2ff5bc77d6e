using System.Diagnostics;
using Headroom.Cgroups;

namespace Headroom.Memory;

/// <summary>
/// Samples every source together at a fixed interval (100 ms by default) into the trial's time series: the cgroup's
/// files, <c>/proc/&lt;pid&gt;/status</c>, the latest runtime figures and the completed-request count.
/// </summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly Func<int?> _pid;
    private readonly Func<RuntimeFigures?> _runtime;
    private readonly Func<RuntimeFigures?> _counters;
    private readonly TimeSpan _interval;
    private readonly List<MemorySample> _samples = [];
    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly BackgroundLoop _loop = new();
    private readonly Action<MemorySample>? _observer = LiveSamples.Current;

    // runtime: the latest figures of the stats endpoint; counters: those of the .NET event counters.
    public MemorySampler(MemoryCgroup? cgroup, Func<int?> pid, Func<RuntimeFigures?> runtime, Func<RuntimeFigures?> counters, TimeSpan interval)
    {
        Cgroup = cgroup;
        _pid = pid;
        _runtime = runtime;
        _counters = counters;
        _interval = interval;
    }

    /// <summary>The cgroup read at each tick (set late when a systemd scope makes it).</summary>
    public MemoryCgroup? Cgroup { get; set; }

    /// <summary>Read instead of the cgroup's files when there is no cgroup here (the container runner's engine stats).</summary>
    public Func<CgroupMemoryReading?>? ReadingWithoutCgroup { get; set; }

    /// <summary>The latest working set from a metrics API (the Kubernetes runner's metrics.k8s.io), written beside the cgroup's figures.</summary>
    public Func<long?>? WorkingSet { get; set; }

    /// <summary>The trial's phase written into each sample (<c>start</c>, <c>ready</c>, <c>load</c>, <c>stop</c>).</summary>
    public string Phase { get; set; } = "start";

    /// <summary>Completed requests so far, fed by the load's progress.</summary>
    public long? CompletedRequests { get; set; }

    /// <summary>Called on the sampler's loop after each sample (the thrashing detector listens here).</summary>
    public event Action<MemorySample>? Sampled;

    public IReadOnlyList<MemorySample> Samples
    {
        get
        {
            lock (_lock)
            {
                return [.. _samples];
            }
        }
    }

    public void Start() => _loop.Poll(_interval, _ =>
    {
        Take();
        return BackgroundLoop.GoOn;
    }, CancellationToken.None);

    /// <summary>Takes one sample now and appends it to the series.</summary>
    public MemorySample Take()
    {
        var reading = ReadCgroup();
        var status = _pid() is { } pid ? ProcStatus.Read(pid) : null;
        var sample = new MemorySample(
            _clock.ElapsedMilliseconds,
            Phase,
            reading?.UsageBytes,
            reading?.PeakBytes,
            reading?.AnonBytes,
            reading?.FileBytes,
            reading?.ActiveFileBytes,
            reading?.InactiveFileBytes,
            reading?.MajorFaults,
            reading?.Failcnt,
            reading?.OomKills,
            status?.VmRssBytes,
            status?.VmHwmBytes,
            CompletedRequests,
            _runtime(),
            _counters())
        {
            WorkingSetBytes = WorkingSet?.Invoke(),
        };
        lock (_lock)
        {
            _samples.Add(sample);
        }
        Sampled?.Invoke(sample);
        _observer?.Invoke(sample);
        return sample;
    }

    private CgroupMemoryReading? ReadCgroup()
    {
        try
        {
            return Cgroup is { } cgroup ? cgroup.Read() : ReadingWithoutCgroup?.Invoke();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();
}
