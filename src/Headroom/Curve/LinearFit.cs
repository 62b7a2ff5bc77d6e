namespace Headroom.Curve;

/// <summary>
/// Least squares y ≈ a + b x with its errors: the residual standard error, the 95 % interval of the slope, and a 95 %
/// prediction interval at any x (wider away from the measured x, as an extrapolation should be). With two points the
/// line fits exactly and there is no error to state (<see cref="HasError"/> false).
/// </summary>
public sealed record LinearFit(double Intercept, double Slope, double ResidualError, double SlopeError, int Points, double MeanX, double SumSquaresX)
{
    public bool HasError => Points > 2;

    public double At(double x) => Intercept + Slope * x;

    /// <summary>The slope's 95 % interval (NaN without an error estimate).</summary>
    public (double Low, double High) SlopeInterval
    {
        get
        {
            var t = StudentT.Quantile975(Points - 2);
            return (Slope - t * SlopeError, Slope + t * SlopeError);
        }
    }

    /// <summary>95 % prediction interval for one new measurement at <paramref name="x"/>.</summary>
    public (double Low, double High) PredictionInterval(double x)
    {
        var t = StudentT.Quantile975(Points - 2);
        var se = ResidualError * Math.Sqrt(1 + 1.0 / Points + (x - MeanX) * (x - MeanX) / SumSquaresX);
        return (At(x) - t * se, At(x) + t * se);
    }

    /// <summary>The fit, or null with fewer than two points or all at one x.</summary>
    public static LinearFit? Fit(IReadOnlyList<(double X, double Y)> points)
    {
        var n = points.Count;
        if (n < 2)
        {
            return null;
        }
        var meanX = points.Average(p => p.X);
        var meanY = points.Average(p => p.Y);
        var sxx = points.Sum(p => (p.X - meanX) * (p.X - meanX));
        if (sxx == 0)
        {
            return null;
        }
        var slope = points.Sum(p => (p.X - meanX) * (p.Y - meanY)) / sxx;
        var intercept = meanY - slope * meanX;
        var residual = n > 2 ? Math.Sqrt(points.Sum(p => Math.Pow(p.Y - intercept - slope * p.X, 2)) / (n - 2)) : double.NaN;
        return new LinearFit(intercept, slope, residual, residual / Math.Sqrt(sxx), n, meanX, sxx);
    }
}

/// <summary>The 97.5 % quantile of Student's t, for two-sided 95 % intervals from a handful of points.</summary>
public static class StudentT
{
    private static readonly double[] s_table =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    /// <summary>t(0.975, degrees of freedom); NaN below 1, the normal's 1.96 beyond the table.</summary>
    public static double Quantile975(int degreesOfFreedom) =>
        degreesOfFreedom < 1 ? double.NaN : degreesOfFreedom <= s_table.Length ? s_table[degreesOfFreedom - 1] : 1.96;
}
