using System.Diagnostics;
using Headroom.Cgroups;

namespace Headroom.Memory;

/// <summary>
/// Samples every source together at a fixed interval (100 ms by default) into the trial's time series: the cgroup's
/// files, <c>/proc/&lt;pid&gt;/status</c>, the latest runtime figures and the completed-request count.
/// </summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly MemoryCgroup? _cgroup;
    private readonly Func<int?> _pid;
    private readonly IReadOnlyList<IRuntimeFiguresSource> _runtime;
    private readonly TimeSpan _interval;
    private readonly List<MemorySample> _samples = [];
    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    // runtime: the stats endpoint's source first, then the event counters' (either may be absent).
    public MemorySampler(MemoryCgroup? cgroup, Func<int?> pid, IReadOnlyList<IRuntimeFiguresSource> runtime, TimeSpan interval)
    {
        _cgroup = cgroup;
        _pid = pid;
        _runtime = runtime;
        _interval = interval;
    }

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

    public void Start()
    {
        foreach (var source in _runtime)
        {
            source.Start(_stop.Token);
        }
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            do
            {
                Take();
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

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
            _runtime.Count > 0 ? _runtime[0].Latest : null,
            _runtime.Count > 1 ? _runtime[1].Latest : null);
        lock (_lock)
        {
            _samples.Add(sample);
        }
        Sampled?.Invoke(sample);
        return sample;
    }

    private CgroupMemoryReading? ReadCgroup()
    {
        try
        {
            return _cgroup?.Read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        foreach (var source in _runtime)
        {
            await source.DisposeAsync();
        }
        _stop.Dispose();
    }
}
