namespace Headroom.Experiments;

/// <summary>
/// A percentile bootstrap over rounds for a paired ratio (knob / none, same round). The estimate is the geometric
/// mean of the per-round ratios (ratios multiply, so their logs are averaged); resampling whole rounds keeps the
/// pairing, which cancels the machine's slow and fast phases. With 3 rounds there are only 10 distinct resamples,
/// so the interval is coarse: it says "within noise" readily, which is the honest answer for 3 runs.
/// </summary>
public static class PairedBootstrap
{
    /// <summary>
    /// Below this many paired rounds no interval is given ("too few paired rounds"): two rounds resample to three
    /// means, and two ratios of 1.00 gave "x1.00 (95 % CI 1.00-1.00)", a verdict from no evidence.
    /// </summary>
    public const int MinPairedRounds = 3;

    /// <summary>The one wording, everywhere, for a comparison with fewer than <see cref="MinPairedRounds"/> paired rounds.</summary>
    public static string TooFewRounds(int pairedRounds) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"too few paired rounds to tell ({pairedRounds} had both trials survive; a verdict needs {MinPairedRounds})");

    public static RatioInterval Interval(IReadOnlyList<double> ratios, int resamples, double confidence, int seed)
    {
        if (ratios.Count == 0 || ratios.Any(r => r <= 0 || double.IsNaN(r) || double.IsInfinity(r)))
        {
            throw new ArgumentException("ratios must be positive and finite, and at least one", nameof(ratios));
        }
        var logs = ratios.Select(r => Math.Log(r)).ToArray();
        var estimate = Math.Exp(logs.Average());
        var random = new Random(seed);
        var means = new double[resamples];
        for (var i = 0; i < resamples; i++)
        {
            var sum = 0.0;
            for (var j = 0; j < logs.Length; j++)
            {
                sum += logs[random.Next(logs.Length)];
            }
            means[i] = sum / logs.Length;
        }
        Array.Sort(means);
        var tail = (1 - confidence) / 2;
        var low = Math.Exp(Percentile(means, tail));
        var high = Math.Exp(Percentile(means, 1 - tail));
        return new RatioInterval(estimate, low, high, confidence);
    }

    private static double Percentile(double[] sorted, double quantile)
    {
        var position = quantile * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }
}

/// <summary>A ratio with its confidence interval; within noise when the interval includes 1.</summary>
public sealed record RatioInterval(double Estimate, double Low, double High, double Confidence)
{
    public bool WithinNoise => Low <= 1 && High >= 1;
}
