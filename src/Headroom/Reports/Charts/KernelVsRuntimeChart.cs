using System.Globalization;
using ScottPlot;

namespace Headroom.Reports.Charts;

/// <summary>One group of bars: a trial or a limit (<c>baseline</c>, <c>12Mi none</c>; a space breaks the axis label) and its figures in bytes (null: not measured).</summary>
public sealed record KernelVsRuntimeGroup(string Label, long? KernelPeakBytes, long? SysBytes, long? HeapSysBytes, long? HeapAllocBytes);

/// <summary>
/// Chart 4: what the kernel charged at its peak against what the runtime says it holds (Sys, HeapSys, HeapAlloc), as
/// grouped bars. The article's point in one picture: the runtime's figures are not what the limit is measured against.
/// </summary>
public static class KernelVsRuntimeChart
{
    private static readonly (string Name, Color Color, Func<KernelVsRuntimeGroup, long?> Value)[] Figures =
    [
        ("kernel peak (charged)", ChartStyle.KernelPeak, g => g.KernelPeakBytes),
        ("runtime Sys", ChartStyle.RuntimeSys, g => g.SysBytes),
        ("runtime HeapSys", ChartStyle.RuntimeHeapSys, g => g.HeapSysBytes),
        ("runtime HeapAlloc", ChartStyle.RuntimeHeapAlloc, g => g.HeapAllocBytes),
    ];

    public static SvgChart Render(IReadOnlyList<KernelVsRuntimeGroup> groups, string context, string id)
    {
        var title = $"Kernel peak vs runtime figures ({context})";
        var plot = ChartStyle.NewPlot(title, "", "memory (MiB)");
        var present = Figures.Where(f => groups.Any(g => f.Value(g) is not null)).ToList();
        var bars = new List<Bar>();
        const double groupWidth = 0.8;
        var barWidth = groupWidth / Math.Max(1, present.Count);
        var top = 0.0;
        for (var g = 0; g < groups.Count; g++)
        {
            for (var f = 0; f < present.Count; f++)
            {
                if (present[f].Value(groups[g]) is not { } bytes)
                {
                    continue;
                }
                var mebibytes = ChartStyle.Mebibytes(bytes);
                top = Math.Max(top, mebibytes);
                bars.Add(new Bar
                {
                    Position = g - groupWidth / 2 + barWidth * (f + 0.5),
                    Value = mebibytes,
                    Size = barWidth * 0.92,
                    FillColor = present[f].Color,
                    LineWidth = 0,
                });
            }
        }
        if (bars.Count > 0)
        {
            plot.Add.Bars(bars);
        }
        foreach (var figure in present)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = figure.Name, FillColor = figure.Color });
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, groups.Count).Select(i => (double)i).ToArray(), groups.Select(g => g.Label.Replace(' ', '\n')).ToArray());
        plot.Axes.SetLimitsX(-0.6, Math.Max(0, groups.Count - 1) + 0.6);
        plot.Axes.SetLimitsY(0, Math.Max(1, top) * 1.22);
        ChartStyle.ShowLegendOutside(plot);
        var description = groups.Count == 0
            ? "No trials to compare."
            : string.Join("; ", groups.Select(g => $"{g.Label}: " + string.Join(", ", present
                .Where(f => f.Value(g) is not null)
                .Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Name} {ChartStyle.Mebibytes(f.Value(g)!.Value):0.0} MiB"))))) + ".";
        return SvgChartRenderer.Render(plot, id, title, description);
    }
}
