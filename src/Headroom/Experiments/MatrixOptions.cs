namespace Headroom.Experiments;

/// <summary>How <see cref="MatrixExperiment"/> tabulates limits x knob sets; defaults as <c>headroom matrix --help</c> prints them.</summary>
public sealed record MatrixOptions
{
    public const int DefaultRepeats = 3;
    public const int DefaultResamples = 2000;
    public const double DefaultConfidence = 0.95;
    public const int DefaultSeed = 17;

    /// <summary>Rounds: every configuration runs once per round, so slow phases of a noisy machine hit all alike.</summary>
    public int Repeats { get; init; } = DefaultRepeats;

    /// <summary>Bootstrap resamples over rounds for the knob/none ratio's interval.</summary>
    public int Resamples { get; init; } = DefaultResamples;

    public double Confidence { get; init; } = DefaultConfidence;

    /// <summary>The bootstrap's seed: the same trials always give the same interval.</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>Each round starts the target once per cell; more rounds than this is a study that never ends.</summary>
    public const int MaxRepeats = 100;

    public void Validate()
    {
        if (Repeats is < 1 or > MaxRepeats)
        {
            throw new UserInputException($"--repeats must be from 1 to {MaxRepeats} (got {Repeats})");
        }
        if (Resamples < 100)
        {
            throw new UserInputException($"the bootstrap needs at least 100 resamples (got {Resamples})");
        }
        if (Confidence is <= 0 or >= 1)
        {
            throw new UserInputException($"the confidence level must be in (0, 1), e.g. 0.95 (got {Confidence})");
        }
    }
}
