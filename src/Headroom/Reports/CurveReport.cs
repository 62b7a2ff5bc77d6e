using System.Globalization;
using Headroom.Curve;
using Headroom.Experiments;
using Headroom.Limits;

namespace Headroom.Reports;

/// <summary>A curve as text: one row per level, the fitted line with its error, and the peak estimate.</summary>
public static class CurveReport
{
    public static IReadOnlyList<string> Lines(CurveResult curve)
    {
        var lines = new List<string>
        {
            $" {curve.Axis.Unit,-12} | survival | healthy | need     | baseline req/s | trials | search started at",
        };
        foreach (var level in curve.Levels)
        {
            var search = level.Search;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $" {level.Level,-12:0.##} | {Q(search.SurvivalEdge),-8} | {Q(search.HealthyEdge),-7} | {Q(level.Need),-8} | {search.Baseline.Load?.RequestsPerSecond ?? 0,14:N0} | {level.Trials,6} | {Q(level.Start)} ({level.StartReason})"));
            if (level.Need is null && (search.NoEdgeMessage ?? search.NoHealthyEdgeMessage) is { } why)
            {
                lines.Add($"   {why}");
            }
        }
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"{curve.Trials} trials in all"));
        if (curve.Fit is { } fit)
        {
            var model = Line(curve.Axis, fit);
            if (fit.HasError)
            {
                var (low, high) = fit.SlopeInterval;
                model += string.Create(CultureInfo.InvariantCulture,
                    $" (slope 95 % {Ki(low)}–{Ki(high)}; residual error {Mi(fit.ResidualError)}; {fit.Points} levels)");
            }
            else
            {
                model += " (two levels: the line fits them exactly, no error estimate)";
            }
            lines.Add(model);
        }
        else
        {
            lines.Add("no line: fewer than two levels have a need");
        }
        if (curve.Peak is { } peak)
        {
            lines.Add(peak.Text);
        }
        return lines;
    }

    /// <summary>
    /// The need at the curve's peak for the recommendation (<c>study --peak-concurrency</c>): the fitted need, its
    /// prediction interval, the line and the levels it was fitted to, and the measured range when the peak is outside it.
    /// </summary>
    public static PeakNeed? PeakNeed(CurveResult curve)
    {
        if (curve is not { Fit: { } fit, Peak: { } peak })
        {
            return null;
        }
        var measured = curve.Levels.Where(l => l.Need is not null).Select(l => l.Level).ToList();
        var levels = string.Join(", ", measured.Select(l => l.ToString("0.##", CultureInfo.InvariantCulture)));
        return new PeakNeed(
            curve.Axis.Describe(peak.Peak), peak.NeedBytes,
            fit.HasError ? peak.LowBytes : null, fit.HasError ? peak.HighBytes : null,
            $"{Line(curve.Axis, fit)} fitted to {levels} {curve.Axis.Unit}",
            peak.Extrapolated ? $"{curve.Axis.Describe(measured.Min())}–{curve.Axis.Describe(measured.Max())}" : null);
    }

    private static string Line(CurveAxis axis, LinearFit fit) => string.Create(CultureInfo.InvariantCulture,
        $"need ≈ {Mi(fit.Intercept)} {(fit.Slope < 0 ? "-" : "+")} {Ki(Math.Abs(fit.Slope))} × {axis.Unit}");

    private static string Q(MemoryQuantity? q) => q?.ToKubernetes() ?? "-";

    private static string Mi(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / MemoryQuantity.Mebibyte:0.0} MiB");

    private static string Ki(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024:0.#} KiB");
}
