using System.Diagnostics;
using HdrHistogram;

namespace Headroom.Load;

/// <summary>
/// One shard of a run's counters and histograms. Workers share a few shards (each under its own lock) rather than
/// owning one each, so memory stays flat however many workers there are, and locks are rarely contended.
/// </summary>
internal sealed class LoadTally
{
    private static readonly double MicrosecondsPerTick = 1_000_000.0 / Stopwatch.Frequency;
    private readonly Lock _gate = new();
    private readonly long _runStart;

    public LoadTally(bool keepUncorrected, bool keepSamples, long runStart)
    {
        Uncorrected = keepUncorrected ? LatencyHistograms.Create() : null;
        Samples = keepSamples ? [] : null;
        _runStart = runStart;
    }

    public LongHistogram Latency { get; } = LatencyHistograms.Create();
    public LongHistogram? Uncorrected { get; }
    public long[] StatusCounts { get; } = new long[1000];
    public long[] ErrorCounts { get; } = new long[Enum.GetValues<LoadErrorKind>().Length];
    public List<RequestSample>? Samples { get; }
    public long Responses;
    public long Errors;
    public long Bytes;
    public long WarmupRequests;
    public long LastEnd;
    public PhaseAccumulator Total;
    public PhaseAccumulator Dial;
    public PhaseAccumulator Write;
    public PhaseAccumulator Wait;
    public PhaseAccumulator Read;

    /// <summary>Requests ended so far (read without the lock, for progress).</summary>
    public long Ended => Volatile.Read(ref Responses) + Volatile.Read(ref Errors);

    public void RecordResponse(in RequestTiming t, int status, long bodyBytes)
    {
        var latency = t.End - t.Due;
        lock (_gate)
        {
            Responses++;
            Bytes += bodyBytes;
            StatusCounts[status]++;
            Latency.RecordValue(ToMicroseconds(latency));
            Uncorrected?.RecordValue(ToMicroseconds(t.End - t.Start));
            Total.Add(latency);
            Dial.Add(t.Dial);
            Write.Add(t.Write);
            Wait.Add(t.Wait);
            Read.Add(t.Read);
            LastEnd = Math.Max(LastEnd, t.End);
            Samples?.Add(new RequestSample(
                Seconds(latency), Seconds(t.Dial), 0, Seconds(t.Write), Seconds(t.Wait), Seconds(t.Read), status,
                Seconds(t.Start - _runStart)));
        }
    }

    public void RecordError(LoadErrorKind kind, long end)
    {
        lock (_gate)
        {
            Errors++;
            ErrorCounts[(int)kind]++;
            LastEnd = Math.Max(LastEnd, end);
        }
    }

    public void RecordWarmup() => Interlocked.Increment(ref WarmupRequests);

    private static long ToMicroseconds(long ticks) =>
        Math.Clamp((long)(ticks * MicrosecondsPerTick), 1, LatencyHistograms.HighestMicroseconds);

    internal static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;
}
