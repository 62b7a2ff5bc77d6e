using System.Globalization;
using Headroom.Limits;
using ScottPlot;

namespace Headroom.Reports.Charts;

/// <summary>The median figures of the trials at one limit; values are null when no trial there survived.</summary>
public sealed record LimitSweepPoint(MemoryQuantity Limit, double? RequestsPerSecond, TimeSpan? P99Latency, int Trials, int Failures);

/// <summary>One knob set's points (<c>none</c>, <c>go (GOMEMLIMIT={limit}, GOGC=off)</c>).</summary>
public sealed record LimitSweepSeries(string Name, IReadOnlyList<LimitSweepPoint> Points);

/// <summary>What the req/s and p99 charts show: one series per knob set, and the unlimited baseline when known.</summary>
/// <param name="Context">Where the points come from, for the title: <c>matrix, 2 rounds</c>.</param>
/// <param name="Series">One line per knob set.</param>
/// <param name="BaselineRequestsPerSecond">The unlimited baseline's req/s (null: not known).</param>
/// <param name="BaselineP99">The unlimited baseline's p99 (null: not known).</param>
/// <param name="HealthyFraction">The share of the baseline's req/s the healthy edge keeps (0.9), drawn as a line.</param>
/// <param name="P99Factor">The p99 bound of the healthy edge as a multiple of the baseline's (2).</param>
public sealed record LimitSweepInput(
    string Context,
    IReadOnlyList<LimitSweepSeries> Series,
    double? BaselineRequestsPerSecond,
    TimeSpan? BaselineP99,
    double HealthyFraction,
    double P99Factor);

/// <summary>
/// Chart 2: throughput and p99 latency against the limit, one line per knob set. A limit where every trial failed
/// is marked with an X on the x axis (there is no speed to plot); one where some failed gets a red ring.
/// </summary>
public static class LimitSweepChart
{
    public static SvgChart RenderThroughput(LimitSweepInput input, string id)
    {
        var title = $"Throughput against limit ({input.Context})";
        var plot = ChartStyle.NewPlot(title, "memory limit (MiB)", "requests per second (median)");
        if (input.BaselineRequestsPerSecond is { } baseline)
        {
            Reference(plot, baseline, "unlimited baseline", LinePattern.Solid);
            Reference(plot, baseline * input.HealthyFraction, string.Create(CultureInfo.InvariantCulture, $"healthy: {input.HealthyFraction * 100:0}% of baseline"), LinePattern.Solid);
        }
        var top = Draw(plot, input, p => p.RequestsPerSecond);
        return Finish(plot, input, id, title, Math.Max(top, input.BaselineRequestsPerSecond ?? 0), "req/s", p => p.RequestsPerSecond is { } r ? r.ToString("0", CultureInfo.InvariantCulture) : null);
    }

    public static SvgChart RenderP99(LimitSweepInput input, string id)
    {
        var title = $"p99 latency against limit ({input.Context})";
        var plot = ChartStyle.NewPlot(title, "memory limit (MiB)", "p99 latency (ms, median)");
        if (input.BaselineP99 is { } baseline)
        {
            Reference(plot, baseline.TotalMilliseconds, "unlimited baseline", LinePattern.Solid);
            Reference(plot, baseline.TotalMilliseconds * input.P99Factor, string.Create(CultureInfo.InvariantCulture, $"healthy: within {input.P99Factor:0.#}x baseline"), LinePattern.Solid);
        }
        var top = Draw(plot, input, p => p.P99Latency?.TotalMilliseconds);
        var bound = input.BaselineP99 is { } b ? b.TotalMilliseconds * input.P99Factor : 0;
        return Finish(plot, input, id, title, Math.Max(top, bound), "ms p99", p => p.P99Latency is { } l ? l.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) : null);
    }

    private static void Reference(Plot plot, double y, string label, LinePattern pattern)
    {
        var line = plot.Add.HorizontalLine(y, 1.5f, Colors.Gray, pattern);
        line.LegendText = label;
    }

    private static double Draw(Plot plot, LimitSweepInput input, Func<LimitSweepPoint, double?> value)
    {
        var top = 0.0;
        var anyAllFailed = false;
        var anySomeFailed = false;
        for (var i = 0; i < input.Series.Count; i++)
        {
            var series = input.Series[i];
            var color = ChartStyle.ForSeries(i);
            var points = series.Points.OrderBy(p => p.Limit).ToList();
            var measured = points.Where(p => value(p) is not null).ToList();
            if (measured.Count > 0)
            {
                var line = plot.Add.Scatter(measured.Select(p => Mi(p.Limit)).ToArray(), measured.Select(p => value(p)!.Value).ToArray(), color);
                line.LineWidth = 2.5f;
                line.MarkerSize = 9;
                line.MarkerShape = i == 0 ? MarkerShape.FilledCircle : MarkerShape.FilledSquare;
                line.LegendText = series.Name;
                top = Math.Max(top, measured.Max(p => value(p)!.Value));
            }
            foreach (var failed in points.Where(p => value(p) is null && p.Trials > 0))
            {
                var mark = plot.Add.Marker(Mi(failed.Limit), 0, MarkerShape.Eks, 16, ChartStyle.Kill);
                mark.LineWidth = 3;
                mark.LegendText = anyAllFailed ? "" : "every trial failed (OOM / thrashing)";
                anyAllFailed = true;
            }
            foreach (var partly in measured.Where(p => p.Failures > 0))
            {
                var ring = plot.Add.Marker(Mi(partly.Limit), value(partly)!.Value, MarkerShape.OpenCircle, 22, ChartStyle.Kill);
                ring.LineWidth = 2;
                ring.LegendText = anySomeFailed ? "" : "some trials failed";
                anySomeFailed = true;
            }
        }
        return top;
    }

    private static SvgChart Finish(Plot plot, LimitSweepInput input, string id, string title, double top, string unit, Func<LimitSweepPoint, string?> format)
    {
        var limits = input.Series.SelectMany(s => s.Points).Select(p => p.Limit).Distinct().Order().ToList();
        if (limits.Count is > 0 and <= 10)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                limits.Select(Mi).ToArray(), limits.Select(l => l.ToKubernetes()).ToArray());
        }
        if (limits.Count > 0)
        {
            var low = Mi(limits[0]);
            var high = Mi(limits[^1]);
            var pad = Math.Max(1, (high - low) * 0.06);
            plot.Axes.SetLimitsX(low - pad, high + pad);
        }
        plot.Axes.SetLimitsY(0, Math.Max(1, top) * 1.15);
        ChartStyle.ShowLegendOutside(plot);
        var description = string.Join("; ", input.Series.Select(s =>
            $"{s.Name}: " + string.Join(", ", s.Points.OrderBy(p => p.Limit).Select(p =>
                $"{p.Limit.ToKubernetes()} " + (format(p) is { } v ? $"{v} {unit}" : "failed") + (p.Failures > 0 && format(p) is not null ? $" ({p.Failures} of {p.Trials} failed)" : "")))));
        return SvgChartRenderer.Render(plot, id, title, description + ".");
    }

    private static double Mi(MemoryQuantity limit) => ChartStyle.Mebibytes(limit.Bytes);
}
