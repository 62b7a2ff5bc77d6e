namespace Headroom.Experiments;

/// <summary>How <see cref="Recommender"/> turns a study into settings; defaults as <c>headroom recommend --help</c> prints them.</summary>
public sealed record RecommendOptions
{
    public const double DefaultMargin = 0.25;

    /// <summary>Memory limit = healthy edge x (1 + margin), rounded up to whole MiB.</summary>
    public double Margin { get; init; } = DefaultMargin;

    /// <summary>The need at the peak from a curve: when given, the limit is it plus the margin (the healthy edge is for the study's own load only).</summary>
    public PeakNeed? AtPeak { get; init; }

    public void Validate()
    {
        if (!double.IsFinite(Margin) || Margin is < 0 or > 10)
        {
            throw new UserInputException($"--margin must be a fraction such as 0.25 (got {Margin})");
        }
    }
}
