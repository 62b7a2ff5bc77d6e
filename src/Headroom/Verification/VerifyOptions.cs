namespace Headroom.Verification;

/// <summary>
/// How a setting is verified before it is recommended; the defaults are what <c>headroom verify --help</c> prints.
/// </summary>
public sealed record VerifyOptions
{
    public static readonly TimeSpan DefaultSustain = TimeSpan.FromSeconds(30);

    public const int DefaultMaxSteps = 3;

    /// <summary>Cold starts at the setting, each with the study's load; every one must survive healthy (<c>--confirm</c>).</summary>
    public int Confirm { get; init; } = Experiments.EdgeSearchOptions.DefaultConfirm;

    /// <summary>The sustained run at a fixed rate after the cold starts (<c>--sustain</c>, 30 s; zero: none).</summary>
    public TimeSpan Sustain { get; init; } = DefaultSustain;

    /// <summary>Its requests per second (<c>--rate</c>; null: the unlimited baseline's).</summary>
    public double? Rate { get; init; }

    /// <summary>
    /// How many times a failed verification steps the limit up and verifies again (<c>--steps</c>, 3; 0: report the
    /// failure). Each step adds 10 % of the limit, at least the study's resolution, rounded up to whole MiB.
    /// </summary>
    public int MaxSteps { get; init; } = DefaultMaxSteps;

    public const double StepShare = 0.10;

    /// <summary>
    /// A sustained run whose memory grows so that even the slowest growth its 95 % interval allows reaches the limit
    /// within this many times the run's length (5 min after a 30-s run) fails: a warm-up would rarely look like that.
    /// </summary>
    public const double ProjectionFactor = 10;

    /// <summary>The sustained run's rate: <see cref="Rate"/>, or the baseline's req/s rounded (at least 1).</summary>
    public double SustainedRate(Trials.TrialLoadSummary baseline) => Rate ?? Math.Max(1, Math.Round(baseline.RequestsPerSecond));

    public void Validate()
    {
        if (Confirm < 1)
        {
            throw new UserInputException($"--confirm {Confirm} is not valid: at least one cold start verifies a setting");
        }
        if (Sustain < TimeSpan.Zero)
        {
            throw new UserInputException($"--sustain {Sustain} is not valid: give a duration such as 30s, or 0s for none");
        }
        if (Rate is { } rate && (!(rate > 0) || !double.IsFinite(rate)))
        {
            throw new UserInputException($"--rate {rate.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a rate: give requests per second above 0");
        }
        if (MaxSteps is < 0 or > 10)
        {
            throw new UserInputException($"--steps {MaxSteps} is not valid: from 0 to 10");
        }
    }
}
