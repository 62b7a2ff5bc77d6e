namespace Headroom.Soak;

/// <summary>What a soak concluded.</summary>
public enum SoakVerdictKind
{
    /// <summary>No growth told from noise, or slower than <see cref="SoakOptions.StableBelowMebibytesPerHour"/>.</summary>
    Stable,
    /// <summary>Memory grows: the slope's interval lies above zero and above the stable threshold.</summary>
    Growing,
    /// <summary>The target did not survive the soak (killed, runtime OOM, thrashing, crashed).</summary>
    Died,
    /// <summary>Too few samples to fit a trend.</summary>
    Unknown,
}

/// <summary>
/// The verdict in one line (<c>growing +2.1 MiB/h (1.7–2.5): reaches the 40Mi limit in about 6 h</c>), and the
/// projection behind it: when the fitted line meets the limit, counted from the load's start and from its end.
/// </summary>
public sealed record SoakVerdict(SoakVerdictKind Kind, string Text)
{
    /// <summary>Seconds after the load began at which the fitted line reaches the limit (null: no limit or no growth).</summary>
    public double? LimitReachedAtSeconds { get; init; }

    /// <summary>How long after the end of the load the limit would be reached, at the fitted slope.</summary>
    public TimeSpan? TimeToLimit { get; init; }

    /// <summary>The same at the slowest growth the trend's 95 % interval allows: the latest the limit would be reached.</summary>
    public TimeSpan? LatestTimeToLimit { get; init; }
}
