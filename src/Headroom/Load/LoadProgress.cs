namespace Headroom.Load;

/// <summary>How far a run is, reported a few times a second to the progress callback.</summary>
/// <param name="Completed">Measured requests ended so far (responses and errors).</param>
/// <param name="Errors">Of those, errors.</param>
/// <param name="Planned">Requests the run will send (<c>-n</c>), or null for a duration-bound run.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Duration">The run's duration (<c>-z</c>), or null for a count-bound run.</param>
public readonly record struct LoadProgress(long Completed, long Errors, long? Planned, TimeSpan Elapsed, TimeSpan? Duration)
{
    /// <summary>Fraction done, 0 to 1.</summary>
    public double Fraction => Planned is { } planned && planned > 0
        ? Math.Min(1, (double)Completed / planned)
        : Duration is { } d && d > TimeSpan.Zero ? Math.Min(1, Elapsed / d) : 0;
}
