using Headroom.Soak;
using ScottPlot;

namespace Headroom.Reports.Charts;

/// <summary>
/// A soak's memory over time: charged and anonymous memory (and the runtime's heap where reported), each fitted trend
/// as a dashed line over the window it was fitted on and carried on to the end of the chart, the limit, and the
/// warm-up left out of the fit shaded. Seconds since the start against MiB.
/// </summary>
public static class SoakChart
{
    public static SvgChart Render(SoakResult soak, string id)
    {
        var title = "Memory over the soak";
        var plot = ChartStyle.NewPlot(title, "time since start (s)", "memory (MiB)");
        var samples = soak.Trial.Details.Samples;
        if (samples.Count == 0)
        {
            plot.Add.Annotation("no samples were recorded");
            return SvgChartRenderer.Render(plot, id, title, "No samples were recorded for this soak.");
        }
        var loadStart = samples.FirstOrDefault(s => s.Phase == "load")?.ElapsedMilliseconds / 1000.0 ?? 0;
        var end = samples[^1].ElapsedMilliseconds / 1000.0;
        if (soak.WarmupSeconds > 0)
        {
            var warmup = plot.Add.HorizontalSpan(loadStart, loadStart + soak.WarmupSeconds, ChartStyle.LoadPhase);
            warmup.LegendText = "warm-up (not fitted)";
            warmup.LineWidth = 0;
        }
        Series(plot, samples.Select(s => (s.ElapsedMilliseconds / 1000.0, s.UsageBytes)), "charged", ChartStyle.KernelUsage);
        Series(plot, samples.Select(s => (s.ElapsedMilliseconds / 1000.0, s.AnonBytes)), "anon", ChartStyle.Anon);
        Series(plot, samples.Select(s => (s.ElapsedMilliseconds / 1000.0, (s.Runtime ?? s.Counters)?.HeapAllocBytes)), "runtime heap", ChartStyle.RuntimeHeapAlloc);
        Fitted(plot, soak.Charged, loadStart, end, ChartStyle.KernelUsage);
        Fitted(plot, soak.Anon, loadStart, end, ChartStyle.Anon);
        Fitted(plot, soak.PostGcHeap, loadStart, end, ChartStyle.RuntimeHeapAlloc);
        var top = samples.Max(s => Math.Max(s.UsageBytes ?? 0, s.AnonBytes ?? 0));
        if (soak.Limit is { } limit)
        {
            var line = plot.Add.HorizontalLine(ChartStyle.Mebibytes(limit.Bytes), 2, ChartStyle.Limit, LinePattern.Solid);
            line.LegendText = $"limit {limit.ToKubernetes()}";
            top = Math.Max(top, limit.Bytes);
        }
        plot.Axes.SetLimitsX(0, Math.Max(end, 0.1) * 1.04);
        plot.Axes.SetLimitsY(0, Math.Max(1, ChartStyle.Mebibytes(top)) * 1.12);
        ChartStyle.ShowLegendOutside(plot);
        var description = FormattableString.Invariant($"{samples.Count} samples over {end:0.0} s; ") + soak.Verdict.Text;
        return SvgChartRenderer.Render(plot, id, title, description);
    }

    private static void Series(Plot plot, IEnumerable<(double Seconds, long? Bytes)> values, string name, Color color)
    {
        var points = values.Where(v => v.Bytes is not null).ToList();
        if (points.Count == 0)
        {
            return;
        }
        var line = plot.Add.ScatterLine(points.Select(p => p.Seconds).ToArray(), points.Select(p => ChartStyle.Mebibytes(p.Bytes!.Value)).ToArray(), color);
        line.LineWidth = 1.5f;
        line.LegendText = name;
    }

    private static void Fitted(Plot plot, SoakTrend? trend, double loadStart, double end, Color color)
    {
        if (trend is null)
        {
            return;
        }
        var from = trend.Points[0].Seconds;
        var to = end - loadStart;
        var line = plot.Add.Line(loadStart + from, ChartStyle.Mebibytes((long)trend.Fit.At(from)), loadStart + to, ChartStyle.Mebibytes((long)trend.Fit.At(to)));
        line.Color = color;
        line.LineWidth = 2.5f;
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = $"{trend.Name} fit {trend.Describe()}";
    }
}
