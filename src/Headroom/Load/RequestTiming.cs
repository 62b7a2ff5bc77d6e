namespace Headroom.Load;

/// <summary>Stopwatch timestamps and phase durations (ticks) of one request, filled in as it goes.</summary>
internal struct RequestTiming
{
    /// <summary>When the request was due: its slot in a fixed arrival rate, else when it was sent.</summary>
    public long Due;
    public long Start;
    public long Dial;
    public long Write;
    public long Wait;
    public long Read;
    public long End;
}

/// <summary>Sum, fewest and most ticks of one phase over many requests.</summary>
internal struct PhaseAccumulator
{
    public long Sum;
    public long Min;
    public long Max;
    public long Count;

    public void Add(long ticks)
    {
        if (Count == 0 || ticks < Min)
        {
            Min = ticks;
        }
        if (ticks > Max)
        {
            Max = ticks;
        }
        Sum += ticks;
        Count++;
    }

    public void Merge(in PhaseAccumulator other)
    {
        if (other.Count == 0)
        {
            return;
        }
        if (Count == 0 || other.Min < Min)
        {
            Min = other.Min;
        }
        Max = Math.Max(Max, other.Max);
        Sum += other.Sum;
        Count += other.Count;
    }
}
