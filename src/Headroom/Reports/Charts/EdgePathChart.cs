using System.Globalization;
using Headroom.Limits;
using Headroom.Trials;
using ScottPlot;

namespace Headroom.Reports.Charts;

/// <summary>One trial of a search: its number (1-based), the limit tried and how it ended.</summary>
public sealed record EdgePathTrial(int Number, MemoryQuantity Limit, TrialOutcome Outcome, string Step);

/// <summary>What the search-path chart shows: every trial in order and the edges found (null: none found).</summary>
public sealed record EdgePathInput(
    string Context,
    IReadOnlyList<EdgePathTrial> Trials,
    MemoryQuantity? SurvivalEdge,
    MemoryQuantity? HealthyEdge,
    MemoryQuantity? Predicted);

/// <summary>
/// Chart 3: the edge search's path. Trial number against the limit it tried, each trial marked by its outcome
/// (survived, OOM-killed, thrashing, runtime OOM, ...), joined in order, with the survival and healthy edges and the
/// prediction as horizontal lines, so a reader sees how the search bracketed, bisected and confirmed.
/// </summary>
public static class EdgePathChart
{
    public static SvgChart Render(EdgePathInput input, string id)
    {
        var title = $"Edge search path ({input.Context})";
        var plot = ChartStyle.NewPlot(title, "trial number", "limit tried (MiB)");
        var trials = input.Trials.OrderBy(t => t.Number).ToList();
        if (trials.Count == 0)
        {
            plot.Add.Annotation("the search ran no trials");
            return SvgChartRenderer.Render(plot, id, title, "The search ran no trials.");
        }

        var path = plot.Add.ScatterLine(trials.Select(t => (double)t.Number).ToArray(), trials.Select(t => Mi(t.Limit)).ToArray(), Colors.Gray.WithAlpha(0.6));
        path.LineWidth = 1.5f;
        Edge(plot, input.Predicted, "predicted", ChartStyle.Prediction, LinePattern.Solid);
        Edge(plot, input.SurvivalEdge, "survival edge", ChartStyle.SurvivalEdge, LinePattern.Solid);
        Edge(plot, input.HealthyEdge, "healthy edge", ChartStyle.HealthyEdge, LinePattern.Solid);
        foreach (var group in trials.GroupBy(t => t.Outcome).OrderBy(g => g.Key))
        {
            var (shape, color) = ChartStyle.ForOutcome(group.Key);
            var markers = plot.Add.Markers(group.Select(t => (double)t.Number).ToArray(), group.Select(t => Mi(t.Limit)).ToArray(), shape, 14, color);
            markers.MarkerLineWidth = 2.5f;
            markers.LegendText = group.Key.ToKebab();
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            trials.Select(t => (double)t.Number).ToArray(), trials.Select(t => t.Number.ToString(CultureInfo.InvariantCulture)).ToArray());
        var values = trials.Select(t => Mi(t.Limit))
            .Concat(new[] { input.SurvivalEdge, input.HealthyEdge, input.Predicted }.Where(q => q is not null).Select(q => Mi(q!.Value)))
            .ToList();
        var low = values.Min();
        var high = values.Max();
        var pad = Math.Max(0.5, (high - low) * 0.12);
        plot.Axes.SetLimitsY(Math.Max(0, low - pad), high + pad);
        plot.Axes.SetLimitsX(0.4, trials[^1].Number + 0.6);
        ChartStyle.ShowLegendOutside(plot);
        var description = FormattableString.Invariant($"{trials.Count} trials: ")
            + string.Join(", ", trials.Select(t => FormattableString.Invariant($"#{t.Number} {t.Limit.ToKubernetes()} {t.Outcome.ToKebab()}")))
            + $". Survival edge {input.SurvivalEdge?.ToKubernetes() ?? "not found"}, healthy edge {input.HealthyEdge?.ToKubernetes() ?? "not found"}.";
        return SvgChartRenderer.Render(plot, id, title, description);
    }

    private static void Edge(Plot plot, MemoryQuantity? edge, string name, Color color, LinePattern pattern)
    {
        if (edge is not { } value)
        {
            return;
        }
        var line = plot.Add.HorizontalLine(Mi(value), 2, color, pattern);
        line.LegendText = $"{name} {ChartStyle.LimitText(value)}";
    }

    private static double Mi(MemoryQuantity limit) => ChartStyle.Mebibytes(limit.Bytes);
}
