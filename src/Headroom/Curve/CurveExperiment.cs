using System.Globalization;
using Headroom.Experiments;
using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Trials;

namespace Headroom.Curve;

/// <summary>
/// The need as a function of load: at each level (connections or rate) an unlimited baseline and the survival and
/// healthy edge search, each search starting near where the previous levels say the edge is. Level 1 starts at its
/// baseline's prediction; every later level at its own prediction corrected by the error the prediction had at the
/// level before (see <see cref="StartFor"/>); a search that starts close brackets in fewer trials. <see cref="Independent"/> starts every level at its own prediction,
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
            var (start, reason) = Independent ? (null, "its own baseline's prediction") : StartFor(EdgePredictor.Predict(baseline.Memory), done, axis);
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

    /// <summary>
    /// Where a level's search starts: its own baseline's prediction corrected by the last measured level's error
    /// (edge − prediction), which is mostly the target's own (how much of its page cache it keeps touching) and so
    /// carries over between loads; the last edge itself when there is no prediction.
    /// </summary>
    private static (MemoryQuantity? Start, string Reason) StartFor(EdgePrediction prediction, List<CurveLevel> done, CurveAxis axis)
    {
        if (done.LastOrDefault(l => l.Need is not null) is not { } last)
        {
            return (null, "its own baseline's prediction");
        }
        if (prediction.Edge is not { } predicted || last.Search.PredictionErrorBytes is not { } error)
        {
            return (last.Need, $"the edge at {axis.Describe(last.Level)}");
        }
        var corrected = new MemoryQuantity(Math.Max(1, predicted.Bytes + error));
        return (corrected, string.Create(CultureInfo.InvariantCulture,
            $"its prediction {predicted.ToKubernetes()} {(error >= 0 ? "+" : "-")} the error at {axis.Describe(last.Level)}, {new MemoryQuantity(Math.Abs(error)).ToKubernetes()}"));
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
