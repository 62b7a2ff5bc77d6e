namespace Headroom.Soak;

/// <summary>A robust straight line through a series: its slope (per unit of x), the slope's 95 % interval and the intercept.</summary>
public sealed record TrendFit(double Slope, double Low, double High, double Intercept, int Points)
{
    /// <summary>The fitted value at <paramref name="x"/>.</summary>
    public double At(double x) => Intercept + Slope * x;

    /// <summary>True when the 95 % interval of the slope contains zero (no trend can be told from noise).</summary>
    public bool IncludesZero => Low <= 0 && High >= 0;
}

/// <summary>
/// The Theil–Sen estimator: the slope is the median of the slopes between every pair of points, so a few outliers
/// (a GC, a burst of page cache) cannot tilt it as they tilt least squares; the interval is Sen's (1968) from the
/// normal approximation of Kendall's tau, the intercept the median of y − slope × x.
/// </summary>
public static class TheilSen
{
    /// <summary>z for a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959964;

    /// <summary>The fit, or null with fewer than 3 points or no two at different x.</summary>
    public static TrendFit? Fit(IReadOnlyList<(double X, double Y)> points)
    {
        var n = points.Count;
        if (n < 3)
        {
            return null;
        }
        var slopes = new List<double>(n * (n - 1) / 2);
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var dx = points[j].X - points[i].X;
                if (dx != 0)
                {
                    slopes.Add((points[j].Y - points[i].Y) / dx);
                }
            }
        }
        if (slopes.Count == 0)
        {
            return null;
        }
        slopes.Sort();
        var slope = Median(slopes);
        var count = slopes.Count;
        var c = Z95 * Math.Sqrt(n * (n - 1.0) * (2.0 * n + 5) / 18.0);
        var lower = (int)Math.Floor((count - c) / 2.0);
        var upper = (int)Math.Ceiling((count + c) / 2.0);
        var low = slopes[Math.Clamp(lower - 1, 0, count - 1)];
        var high = slopes[Math.Clamp(upper, 0, count - 1)];
        var residuals = points.Select(p => p.Y - slope * p.X).Order().ToList();
        return new TrendFit(slope, low, high, Median(residuals), n);
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2.0;
}
