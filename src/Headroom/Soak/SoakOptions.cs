namespace Headroom.Soak;

/// <summary>
/// A soak: the load at a fixed arrival rate for a long time under one limit, and how its memory trend is read. The
/// defaults are what <c>headroom soak --help</c> prints.
/// </summary>
public sealed record SoakOptions
{
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The first half of the load is warm-up and not fitted: pools, caches, the JIT and the heap grow to their working
    /// size there. Measured: at 200 req/s the Go sample's anonymous memory rises from 6.3 to 7.1 MiB over its first
    /// 12 s and is flat after; with only the first fifth left out, a 20 s soak read that rise as +90 MiB/h.
    /// </summary>
    public const double WarmupShare = 0.5;

    /// <summary>
    /// The samples are folded into at most this many points (the median of each slice of time) before the fit. Samples
    /// 100 ms apart are not independent (a GC cycle spans several), and Sen's interval assumes they are: from every
    /// sample it comes out too narrow and calls a sawtooth a trend. Thirty slices also bound the pairs to 435.
    /// </summary>
    public const int Points = 30;

    /// <summary>
    /// Growth slower than this (MiB per hour, at the interval's upper end) is called stable even when the interval
    /// excludes 0: at 1 MiB/h a service needs six weeks to grow by a typical 1 GiB of headroom.
    /// </summary>
    public const double StableBelowMebibytesPerHour = 1.0;

    /// <summary>Requests per second, open model (<c>--rate</c>); required.</summary>
    public required double Rate { get; init; }

    /// <summary>How long the load runs (<c>--duration</c>, 10 min).</summary>
    public TimeSpan Duration { get; init; } = DefaultDuration;

    /// <summary>One-line <see cref="UserInputException"/> for a rate or duration no soak can use.</summary>
    public void Validate()
    {
        if (!(Rate > 0) || !double.IsFinite(Rate))
        {
            throw new UserInputException($"--rate {Rate.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a rate: give requests per second above 0, e.g. --rate 500");
        }
        if (Duration <= TimeSpan.Zero)
        {
            throw new UserInputException($"--duration {Duration} is not a duration to soak for: give one above 0, e.g. --duration 10m");
        }
    }

    /// <summary>A duration as hey writes one (<c>10m</c>, <c>1h30m</c>, <c>90s</c>, a bare number of seconds); one line otherwise.</summary>
    public static TimeSpan ParseDuration(string text, string flag) =>
        Load.GoDuration.TryParse(text, out var duration)
            ? duration
            : throw new UserInputException($"{flag} '{text}' is not a duration: give one such as 10m, 1h30m or 90s");

    /// <summary>hey's flags that make a load run at <see cref="Rate"/> for <see cref="Duration"/> (appended: the last value of a flag wins).</summary>
    public string LoadFlags() => System.FormattableString.Invariant($"--rate {Rate} -z {Duration.TotalSeconds}s");
}
