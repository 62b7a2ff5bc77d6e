using System.Globalization;
using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// The article's Listing 10 as an experiment: limits x knob sets x repeats, interleaved (round 1 runs every
/// configuration once, then round 2, ...) because the machine is noisy and a slow minute should hit every
/// configuration, not one. Per cell it reports medians and spread; per limit the knob/none ratio paired by round
/// with a bootstrap interval.
/// </summary>
public sealed class MatrixExperiment(ITrialExecutor executor, MatrixOptions options)
{
    /// <summary>The article's limits: the edge, the runtime's post-load Sys (Go's number, when the runtime reports
    /// one), 2x and 4x the edge. Sys is rounded up to the resolution; duplicates are dropped.</summary>
    public static IReadOnlyList<MatrixLimit> DefaultLimits(MemoryQuantity edge, long? runtimeSysBytes, MemoryQuantity resolution)
    {
        var limits = new List<MatrixLimit> { new(edge, "edge") };
        if (runtimeSysBytes is > 0 and var sys)
        {
            var rounded = new MemoryQuantity((sys + resolution.Bytes - 1) / resolution.Bytes * resolution.Bytes);
            limits.Add(new MatrixLimit(rounded, "runtime Sys"));
        }
        limits.Add(new MatrixLimit(new MemoryQuantity(edge.Bytes * 2), "2x edge"));
        limits.Add(new MatrixLimit(new MemoryQuantity(edge.Bytes * 4), "4x edge"));
        return limits.DistinctBy(l => l.Limit).OrderBy(l => l.Limit).ToList();
    }

    /// <summary>The trials in the order they run: round by round, every limit and knob set once per round.</summary>
    public static IReadOnlyList<(int Round, MatrixLimit Limit, KnobSet Knobs)> Plan(
        IReadOnlyList<MatrixLimit> limits, IReadOnlyList<KnobSet> knobSets, int repeats) =>
        (from round in Enumerable.Range(1, repeats)
         from limit in limits
         from knobs in knobSets
         select (round, limit, knobs)).ToList();

    public async Task<MatrixResult> RunAsync(
        IReadOnlyList<MatrixLimit> limits, IReadOnlyList<KnobSet> knobSets, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        options.Validate();
        if (limits.Count == 0 || knobSets.Count == 0)
        {
            throw new UserInputException("the matrix needs at least one limit and one knob set");
        }
        // Every cell of every round is independent: with several slots they run side by side, still started in the
        // interleaved order.
        var plan = Plan(limits, knobSets, options.Repeats);
        var requests = plan.Select(p => new TrialRequest(p.Limit.Limit, p.Knobs)
        {
            Purpose = string.Create(CultureInfo.InvariantCulture, $"matrix round {p.Round}"),
        }).ToList();
        var results = await TrialBatch.RunAsync(executor, requests, progress, cancellationToken);
        var trials = plan.Zip(results, (p, result) => new MatrixTrial(p.Round, p.Limit, p.Knobs, result)).ToList();
        return Summarize(limits, knobSets, options.Repeats, trials, options);
    }

    /// <summary>Cells and ratios from finished trials (also used when a study is replayed from its results).</summary>
    public static MatrixResult Summarize(
        IReadOnlyList<MatrixLimit> limits, IReadOnlyList<KnobSet> knobSets, int repeats, IReadOnlyList<MatrixTrial> trials, MatrixOptions options)
    {
        var cells = (from limit in limits
                     from knobs in knobSets
                     select Cell(limit, knobs, trials.Where(t => t.Limit.Limit == limit.Limit && t.Knobs.Name == knobs.Name).ToList()))
                    .ToList();
        var versus = knobSets.FirstOrDefault(k => k.Name == KnobSet.None.Name) ?? knobSets[0];
        var ratios = (from limit in limits
                      from knobs in knobSets
                      where knobs.Name != versus.Name
                      select Ratio(limit, knobs, versus, trials, options))
                     .ToList();
        return new MatrixResult(limits, knobSets, repeats, trials, cells, ratios);
    }

    private static MatrixCell Cell(MatrixLimit limit, KnobSet knobs, List<MatrixTrial> trials)
    {
        var survived = trials.Where(t => t.Result.Survived && t.Result.Load is not null).Select(t => t.Result).ToList();
        var rps = survived.Select(t => t.Load!.RequestsPerSecond).ToList();
        var oom = trials.Count(t => t.Result.Outcome is TrialOutcome.OomKilled or TrialOutcome.RuntimeOom);
        return new MatrixCell(
            limit, knobs, trials.Count, survived.Count, oom, trials.Count - survived.Count - oom,
            Medians.MedianOrNull(rps),
            rps.Count == 0 ? null : rps.Min(),
            rps.Count == 0 ? null : rps.Max(),
            Medians.MedianOrNull(survived.Select(t => t.Load!.AverageLatency)),
            Medians.MedianOrNull(survived.Select(t => t.Load!.P99Latency)),
            Medians.MedianOrNull(survived.Where(t => t.Memory.GcCount is not null).Select(t => (double)t.Memory.GcCount!.Value)))
        {
            Requests = trials.Sum(t => t.Result.Load?.Requests ?? 0),
            Succeeded = trials.Sum(t => t.Result.Load?.Succeeded ?? 0),
        };
    }

    private static KnobRatio Ratio(MatrixLimit limit, KnobSet knobs, KnobSet versus, IReadOnlyList<MatrixTrial> trials, MatrixOptions options)
    {
        double? RequestsPerSecond(int round, KnobSet set) => trials
            .Where(t => t.Round == round && t.Limit.Limit == limit.Limit && t.Knobs.Name == set.Name && t.Result.Survived)
            .Select(t => t.Result.Load?.RequestsPerSecond)
            .FirstOrDefault(r => r > 0);

        var ratios = trials.Select(t => t.Round).Distinct().Order()
            .Select(round => (Knob: RequestsPerSecond(round, knobs), Base: RequestsPerSecond(round, versus)))
            .Where(p => p.Knob is not null && p.Base is not null)
            .Select(p => p.Knob!.Value / p.Base!.Value)
            .ToList();
        // Fewer rounds, or resamples that all agree, give an interval that is no interval: no verdict from it.
        var interval = ratios.Count >= PairedBootstrap.MinPairedRounds
            ? PairedBootstrap.Interval(ratios, options.Resamples, options.Confidence, options.Seed)
            : null;
        if (interval is { } i && i.Low >= i.High)
        {
            interval = null;
        }
        return new KnobRatio(limit, knobs, versus, ratios.Count, interval);
    }
}
