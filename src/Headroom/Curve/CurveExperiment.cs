using System.Globalization;
using Headroom.Experiments;
using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Trials;

namespace Headroom.Curve;

/// <summary>
/// The need as a function of load: at each level (connections or rate) an unlimited baseline and the survival and
/// healthy edge search, each search starting near where the previous levels say the edge is. Level 1 starts at its
/// baseline's prediction, level 2 at level 1's edge, later levels on the line through the last two edges; a search
/// that starts close brackets in fewer trials. <see cref="Independent"/> starts every level at its own prediction,
/// which is what separate <c>headroom edge</c> runs would do (for comparison).
/// </summary>
public sealed class CurveExperiment(Func<double, ITrialExecutor> executorFor, EdgeSearchOptions options, int baselineRuns)
{
    public bool Independent { get; init; }

    public async Task<CurveResult> RunAsync(
        CurveAxis axis, IReadOnlyList<double> levels, double? peak, double margin, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var done = new List<CurveLevel>();
        foreach (var level in levels)
        {
            var executor = executorFor(level);
            var runs = await BaselineRuns.RunAsync(executor, Math.Max(1, baselineRuns), cancellationToken);
            var baseline = BaselineRuns.Combine(runs);
            var (start, reason) = Independent ? (null, "its own baseline's prediction") : StartFor(level, done, axis);
            var search = await new EdgeSearch(executor, options).RunAsync(baseline, KnobSet.None, start, null, cancellationToken);
            var result = new CurveLevel(level, search, start ?? search.Prediction.Edge, reason) { Trials = runs.Count + search.TrialsUsed };
            done.Add(result);
            progress?.Report($"{axis.Describe(level)}: need {result.Need?.ToKubernetes() ?? "not found"} in {result.Trials} trials (started at {result.Start?.ToKubernetes() ?? "-"}: {reason})");
        }
        var measured = done.Where(l => l.Need is not null).Select(l => (l.Level, (double)l.Need!.Value.Bytes)).ToList();
        var fit = LinearFit.Fit(measured);
        var estimate = peak is { } p && fit is not null ? Peak(axis, fit, p, measured, margin) : null;
        return new CurveResult(axis, done, fit, estimate);
    }

    private static (MemoryQuantity? Start, string Reason) StartFor(double level, List<CurveLevel> done, CurveAxis axis)
    {
        var known = done.Where(l => l.Need is not null).ToList();
        if (known.Count == 0)
        {
            return (null, "its own baseline's prediction");
        }
        var last = known[^1];
        if (known.Count == 1)
        {
            return (last.Need, $"the edge at {axis.Describe(last.Level)}");
        }
        var before = known[^2];
        var slope = (last.Need!.Value.Bytes - before.Need!.Value.Bytes) / (last.Level - before.Level);
        var bytes = last.Need.Value.Bytes + Math.Max(0, slope) * (level - last.Level);
        return (new MemoryQuantity((long)bytes), $"the line through the edges at {axis.Describe(before.Level)} and {axis.Describe(last.Level)}");
    }

    private static PeakEstimate Peak(CurveAxis axis, LinearFit fit, double peak, List<(double Level, double Bytes)> measured, double margin)
    {
        var need = fit.At(peak);
        var (low, high) = fit.HasError ? fit.PredictionInterval(peak) : (need, need);
        var limit = new MemoryQuantity((long)Math.Ceiling(Math.Max(need, 1) * (1 + margin) / MemoryQuantity.Mebibyte) * MemoryQuantity.Mebibyte);
        var min = measured.Min(m => m.Level);
        var max = measured.Max(m => m.Level);
        var extrapolated = peak > max || peak < min;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"at {axis.Describe(peak)}: need {Mi(need)}")
            + (fit.HasError ? $" (95 % prediction {Mi(low)}–{Mi(high)})" : " (two levels: no error estimate)")
            + string.Create(CultureInfo.InvariantCulture, $", limit {limit.ToKubernetes()} with the {margin:P0} margin")
            + (extrapolated ? $"; extrapolated beyond the measured {axis.Describe(min)}–{axis.Describe(max)}: the line is an assumption there, measure at the peak to be sure" : "");
        return new PeakEstimate(peak, need, low, high, limit, extrapolated, text);
    }

    internal static string Mi(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / MemoryQuantity.Mebibyte:0.0} MiB");
}
