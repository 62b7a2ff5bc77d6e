using System.Globalization;

namespace Headroom.Soak;

/// <summary>
/// One memory series of a soak and its fitted line: x is seconds since the load began, y bytes. <see cref="Points"/>
/// are what was fitted (one per slice of time after the warm-up), kept for the chart.
/// </summary>
public sealed record SoakTrend(string Name, TrendFit Fit, IReadOnlyList<(double Seconds, double Bytes)> Points)
{
    public double MebibytesPerHour => PerHour(Fit.Slope);
    public double LowMebibytesPerHour => PerHour(Fit.Low);
    public double HighMebibytesPerHour => PerHour(Fit.High);

    /// <summary><c>+2.1 MiB/h (1.7–2.5)</c>.</summary>
    public string Describe() => $"{WithSign(MebibytesPerHour)} MiB/h ({Number(LowMebibytesPerHour)}–{Number(HighMebibytesPerHour)})";

    public static double PerHour(double bytesPerSecond) => bytesPerSecond * 3600 / 1048576.0;

    public static string WithSign(double value) => (value >= 0 ? "+" : "") + Number(value);

    public static string Number(double value) => Math.Abs(value) switch
    {
        >= 100 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 1 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00", CultureInfo.InvariantCulture),
    };
}
