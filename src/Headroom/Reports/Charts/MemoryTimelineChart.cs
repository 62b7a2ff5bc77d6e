using Headroom.Limits;
using Headroom.Memory;
using Headroom.Trials;
using ScottPlot;

namespace Headroom.Reports.Charts;

/// <summary>What the memory-over-time chart of one trial shows.</summary>
/// <param name="Label">Which trial: <c>edge #3 at 12Mi (none)</c>.</param>
/// <param name="Samples">The trial's samples in order (the runner's 100 ms series).</param>
/// <param name="Limit">The limit it ran under (null: unlimited, no limit line).</param>
/// <param name="Outcome">How it ended; anything but survived marks the end of the series as the exit.</param>
public sealed record MemoryTimelineInput(string Label, IReadOnlyList<MemorySample> Samples, MemoryQuantity? Limit, TrialOutcome Outcome);

/// <summary>
/// Chart 1: memory over time for one trial. The kernel's charge (usage) and its anon and file (page cache) parts,
/// the runtime's Sys and HeapAlloc where it reports them, the limit as a horizontal line, the load phase shaded,
/// each OOM kill (a rise of the cgroup's <c>oom_kill</c> counter) and the exit marked. Seconds against MiB.
/// </summary>
public static class MemoryTimelineChart
{
    public static SvgChart Render(MemoryTimelineInput input, string id)
    {
        var title = $"Memory over time: {input.Label}";
        var plot = ChartStyle.NewPlot(title, "time since start (s)", "memory (MiB)");
        var samples = input.Samples;
        if (samples.Count == 0)
        {
            plot.Add.Annotation("no samples were recorded for this trial");
            return SvgChartRenderer.Render(plot, id, title, "No samples were recorded for this trial.");
        }

        ShadeLoad(plot, samples);
        AddSeries(plot, samples, "kernel usage (charged)", s => s.UsageBytes, ChartStyle.KernelUsage, 2.5f);
        AddSeries(plot, samples, "anon", s => s.AnonBytes, ChartStyle.Anon, 1.8f);
        AddSeries(plot, samples, "file (page cache)", s => s.FileBytes, ChartStyle.File, 1.8f);
        AddSeries(plot, samples, "runtime Sys", s => Runtime(s)?.SysBytes, ChartStyle.RuntimeSys, 1.8f, LinePattern.Solid);
        AddSeries(plot, samples, "runtime HeapAlloc", s => Runtime(s)?.HeapAllocBytes, ChartStyle.RuntimeHeapAlloc, 1.8f, LinePattern.Solid);

        if (input.Limit is { } limit)
        {
            var line = plot.Add.HorizontalLine(ChartStyle.Mebibytes(limit.Bytes), 2, ChartStyle.Limit, LinePattern.Solid);
            line.LegendText = $"limit {limit.ToKubernetes()}";
        }
        var kills = MarkKills(plot, samples);
        var end = Seconds(samples[^1]);
        if (input.Outcome != TrialOutcome.Survived)
        {
            var exit = plot.Add.VerticalLine(end, 2, ChartStyle.Kill, LinePattern.Solid);
            exit.LegendText = $"exit ({input.Outcome.ToKebab()})";
            exit.LabelText = input.Outcome.ToKebab();
            exit.LabelFontSize = 13;
        }

        plot.Axes.SetLimitsX(0, Math.Max(end, 0.1) * 1.04);
        plot.Axes.SetLimitsY(0, TopMebibytes(samples, input.Limit) * 1.12);
        ChartStyle.ShowLegendOutside(plot);
        var peak = samples.Max(s => s.PeakBytes ?? s.UsageBytes ?? 0);
        var description = FormattableString.Invariant($"{input.Label}: {samples.Count} samples over {end:0.0} s; kernel peak {ChartStyle.Mebibytes(peak):0.0} MiB")
            + (input.Limit is { } l ? $" against a limit of {l.ToKubernetes()}" : " without a limit")
            + $"; outcome {input.Outcome.ToKebab()}" + (kills > 0 ? FormattableString.Invariant($"; {kills} OOM kill(s) marked") : "") + ".";
        return SvgChartRenderer.Render(plot, id, title, description);
    }

    private static RuntimeFigures? Runtime(MemorySample sample) => sample.Runtime ?? sample.Counters;

    private static double Seconds(MemorySample sample) => sample.ElapsedMilliseconds / 1000.0;

    private static void AddSeries(Plot plot, IReadOnlyList<MemorySample> samples, string name, Func<MemorySample, long?> value, Color color, float width, LinePattern? pattern = null)
    {
        var points = samples.Where(s => value(s) is not null).ToList();
        if (points.Count == 0)
        {
            return;
        }
        var scatter = plot.Add.ScatterLine(
            points.Select(Seconds).ToArray(),
            points.Select(s => ChartStyle.Mebibytes(value(s)!.Value)).ToArray(),
            color);
        scatter.LineWidth = width;
        scatter.LinePattern = pattern ?? LinePattern.Solid;
        scatter.LegendText = name;
    }

    private static void ShadeLoad(Plot plot, IReadOnlyList<MemorySample> samples)
    {
        var load = samples.Where(s => s.Phase == "load").ToList();
        if (load.Count == 0)
        {
            return;
        }
        var span = plot.Add.HorizontalSpan(Seconds(load[0]), Seconds(load[^1]), ChartStyle.LoadPhase);
        span.LegendText = "load running";
        span.LineWidth = 0;
    }

    private static int MarkKills(Plot plot, IReadOnlyList<MemorySample> samples)
    {
        var kills = 0;
        long? previous = null;
        foreach (var sample in samples)
        {
            if (sample.OomKills is not { } count)
            {
                continue;
            }
            if (previous is { } before && count > before)
            {
                var line = plot.Add.VerticalLine(Seconds(sample), 2, ChartStyle.Kill, LinePattern.Solid);
                line.LabelText = "OOM kill";
                line.LabelFontSize = 13;
                line.LegendText = kills == 0 ? "OOM kill (oom_kill counter rose)" : "";
                line.ExcludeFromLegend = kills > 0;
                kills++;
            }
            previous = count;
        }
        return kills;
    }

    private static double TopMebibytes(IReadOnlyList<MemorySample> samples, MemoryQuantity? limit)
    {
        var top = samples.Max(s => new[] { s.UsageBytes, s.PeakBytes, s.AnonBytes, s.FileBytes, Runtime(s)?.SysBytes, Runtime(s)?.HeapAllocBytes }.Max() ?? 0);
        return Math.Max(1, ChartStyle.Mebibytes(Math.Max(top, limit?.Bytes ?? 0)));
    }
}
