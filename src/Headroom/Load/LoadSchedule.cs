using System.Diagnostics;

namespace Headroom.Load;

/// <summary>
/// Hands out request tickets to the workers: exactly warm-up + <c>-n</c> of them, or as many as fit in <c>-z</c>;
/// with a fixed arrival rate each ticket carries its due time (start + ticket / rate), so that a late send is
/// measured from when it should have left.
/// </summary>
internal sealed class LoadSchedule
{
    private readonly long _limit;
    private readonly long _warmup;
    private readonly long _durationTicks;
    private readonly double _ticksPerRequest;
    private long _next = -1;
    private long _measureStart;
    private long _deadline = long.MaxValue;
    private volatile bool _stopped;

    public LoadSchedule(LoadOptions options, long start)
    {
        Start = start;
        _warmup = options.Warmup;
        _limit = options.Duration is null ? options.Warmup + (long)options.Requests : long.MaxValue;
        _durationTicks = options.Duration is { } d ? (long)(d.TotalSeconds * Stopwatch.Frequency) : 0;
        _ticksPerRequest = options.TotalRate > 0 ? Stopwatch.Frequency / options.TotalRate : 0;
        if (_warmup == 0)
        {
            MarkMeasureStart(start);
        }
    }

    public long Start { get; }

    /// <summary>When the first measured request was due (or sent).</summary>
    public long MeasureStart => Volatile.Read(ref _measureStart);

    /// <summary>When a duration-bound run stops issuing requests; long.MaxValue otherwise or before it is known.</summary>
    public long Deadline => Volatile.Read(ref _deadline);

    public bool HasFixedRate => _ticksPerRequest > 0;

    public bool IsStopped => _stopped;

    public void Stop() => _stopped = true;

    /// <summary>Takes the next ticket; false when the run has issued all it should.</summary>
    public bool TryTake(out long ticket, out long due)
    {
        due = 0;
        ticket = Interlocked.Increment(ref _next);
        if (_stopped || ticket >= _limit)
        {
            return false;
        }
        var now = Stopwatch.GetTimestamp();
        if (HasFixedRate)
        {
            due = Start + (long)(ticket * _ticksPerRequest);
        }
        if (ticket == _warmup && _warmup > 0)
        {
            MarkMeasureStart(HasFixedRate ? due : now);
        }
        if (_durationTicks > 0 && (HasFixedRate ? due : now) >= Deadline)
        {
            _stopped = true;
            return false;
        }
        return true;
    }

    public bool IsWarmup(long ticket) => ticket < _warmup;

    private void MarkMeasureStart(long at)
    {
        Volatile.Write(ref _measureStart, at);
        if (_durationTicks > 0)
        {
            Volatile.Write(ref _deadline, at + _durationTicks);
        }
    }
}
