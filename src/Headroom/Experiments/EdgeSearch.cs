using System.Globalization;
using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// Finds the survival edge and the healthy edge of a target under its load, with as few trials as it can (see
/// <see cref="LimitGridSearch"/>): it starts at the <see cref="EdgePredictor"/>'s guess, brackets, bisects to the
/// resolution and confirms only the final candidate. Thrashing, crashes and runtime OOMs count as failures like kernel
/// OOM kills. The healthy search starts from the survival edge and reuses every trial already run.
/// </summary>
public sealed class EdgeSearch(ITrialExecutor executor, EdgeSearchOptions options)
{
    public const long DefaultMinimumMax = 64 * MemoryQuantity.Mebibyte;

    /// <summary>
    /// Searches with every trial under <paramref name="knobs"/> (<see cref="KnobSet.None"/> for <c>edge</c>). The
    /// unlimited <paramref name="baseline"/> (no knobs) gives the prediction and the health criteria;
    /// <paramref name="start"/> replaces the prediction (the floor search starts at the no-knob edge).
    /// </summary>
    public async Task<EdgeSearchResult> RunAsync(
        TrialResult baseline, KnobSet knobs, MemoryQuantity? start, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        options.Validate();
        var prediction = EdgePredictor.Predict(baseline.Memory);
        var run = new Run(executor, options, knobs, baseline, progress, cancellationToken);
        if (!baseline.Survived || baseline.Load is null)
        {
            return run.Result(prediction, null, null, null, null,
                $"no edge to find: the target did not survive the load without a limit ({baseline.Outcome.ToKebab()}: {baseline.Evidence})",
                null);
        }

        var resolution = options.Resolution.Bytes;
        var floor = Math.Max(1, CeilDiv((options.Min ?? options.Resolution).Bytes, resolution));
        var ceiling = Math.Max(floor + 1, (options.Max?.Bytes ?? DefaultMax(baseline.Memory)) / resolution);
        var startK = start is { } s ? RoundDiv(s.Bytes, resolution)
            : prediction.Edge is { } p ? RoundDiv(p.Bytes, resolution)
            : floor * 64;
        startK = Math.Clamp(startK, floor, ceiling);
        if (options.Strategy == EdgeStrategy.Linear)
        {
            var peakK = CeilDiv(baseline.Memory.PeakChargedBytes ?? ceiling * resolution, resolution);
            return await LinearScanAsync(run, prediction, Math.Clamp(peakK, floor, ceiling), floor, Q);
        }

        long survival = 0;
        long? largestFailing = null;
        (GridSearchEnd End, long? Edge, long? LargestFailing) healthy = default;
        // A failure above the survival edge during the healthy search (OOM near the edge is random) moves the
        // survival edge up; the loop ends when both searches agree with every trial.
        for (var round = 0; ; round++)
        {
            var found = await run.SurvivalSearch().RunAsync(run.Tested, startK, floor, ceiling, cancellationToken);
            switch (found.End)
            {
                case GridSearchEnd.FailsAtCeiling:
                    return run.Result(prediction, null, Q(found.LargestFailing), null, null,
                        $"no edge in range: it never survived up to the maximum {Q(ceiling)} (raise --max)", null);
                case GridSearchEnd.PassesAtFloor when BelowMinimum(floor, resolution) is { } lower:
                    // It survives at --min: go on down to the least limit a process can start in before saying no edge.
                    progress?.Report($"survived at the minimum {Q(floor)}; going on down to {Q(lower)}");
                    floor = lower;
                    startK = lower;
                    round--;
                    continue;
                case GridSearchEnd.PassesAtFloor:
                    return run.Result(prediction, null, null, null, null, SurvivesDownTo(run, Q(floor)!.Value), null);
                case GridSearchEnd.OutOfTrials:
                    return run.Result(prediction, null, Q(found.LargestFailing), null, null,
                        $"stopped after {options.MaxTrials} trials without a confirmed edge: outcomes near the edge contradict each other (raise --max-trials)",
                        null);
            }
            survival = found.Edge!.Value;
            largestFailing = found.LargestFailing;
            if (!options.SearchHealthyEdge)
            {
                return run.Result(prediction, Q(survival), Q(largestFailing), null, null, null, null);
            }
            healthy = await run.HealthySearch(survival).RunAsync(run.Tested, survival, survival, ceiling, cancellationToken);
            if (run.SurvivalVerdict(survival) == LimitVerdict.Pass && !run.Tested.Any(k => k > survival && run.SurvivalVerdict(k) == LimitVerdict.Fail))
            {
                break;
            }
            if (round >= options.MaxTrials)
            {
                break;
            }
        }

        var healthyMessage = healthy.End switch
        {
            GridSearchEnd.FailsAtCeiling => $"no healthy edge in range: up to {Q(ceiling)} it never kept {options.Healthy:P0} of the baseline's req/s with p99 within {options.P99Factor}x (raise --max)",
            GridSearchEnd.OutOfTrials => $"stopped after {options.MaxTrials} trials before the healthy edge was confirmed (raise --max-trials)",
            _ => null,
        };
        long? healthyEdge = healthy.End is GridSearchEnd.Found or GridSearchEnd.PassesAtFloor ? healthy.Edge : null;
        long? largestUnhealthy = healthyEdge is { } he && he > survival ? healthy.LargestFailing : null;
        return run.Result(prediction, Q(survival), Q(largestFailing), Q(healthyEdge), Q(largestUnhealthy), null, healthyMessage);

        MemoryQuantity? Q(long? k) => k is { } v ? new MemoryQuantity(v * resolution) : null;
    }

    /// <summary>
    /// The naive search: from the unlimited peak down one step at a time, <see cref="EdgeSearchOptions.Confirm"/>
    /// survivals a limit, until a limit fails; the survival edge is the last limit that passed. The healthy edge is the
    /// least scanned limit from which every limit up to the peak was healthy.
    /// </summary>
    private async Task<EdgeSearchResult> LinearScanAsync(Run run, EdgePrediction prediction, long start, long floor, Func<long?, MemoryQuantity?> q)
    {
        long? lastPassed = null;
        var k = start;
        while (true)
        {
            var verdict = run.SurvivalVerdict(k);
            if (verdict == LimitVerdict.Fail)
            {
                break;
            }
            if (verdict == LimitVerdict.Pass)
            {
                lastPassed = k;
                if (k <= floor)
                {
                    return run.Result(prediction, null, null, null, null,
                        $"no edge: it survives at everything down to {q(floor)} (lower --min): {options.Confirm} of {options.Confirm} trials survived at each limit",
                        null);
                }
                k--;
                continue;
            }
            // The trials this limit still needs, side by side when there are slots for them.
            var needed = Math.Max(1, options.Confirm - run.TrialsAt(k));
            await run.RunRoundAsync([.. Enumerable.Repeat((k, "scan"), Math.Min(run.Slots, needed))]);
        }
        if (lastPassed is not { } survival)
        {
            return run.Result(prediction, null, q(k), null, null,
                $"no edge in range: the linear scan failed at its first limit {q(k)}, the unlimited peak rounded up", null);
        }
        if (!options.SearchHealthyEdge)
        {
            return run.Result(prediction, q(survival), q(k), null, null, null, null);
        }
        var unhealthy = run.Tested.Where(t => t >= survival && run.HealthyVerdict(t) != LimitVerdict.Pass).ToList();
        long? largestUnhealthy = unhealthy.Count == 0 ? null : unhealthy.Max();
        if (largestUnhealthy == start)
        {
            return run.Result(prediction, q(survival), q(k), null, null, null,
                $"no healthy edge in range: at the unlimited peak {q(start)} it did not keep {options.Healthy:P0} of the baseline's req/s with p99 within {options.P99Factor}x");
        }
        return run.Result(prediction, q(survival), q(k), q(largestUnhealthy is { } u ? u + 1 : survival), q(largestUnhealthy), null, null);
    }

    /// <summary>The grid index of the least limit a process starts in, when it is below <paramref name="floor"/>.</summary>
    private long? BelowMinimum(long floor, long resolution)
    {
        if (options.LeastStart is not { } least)
        {
            return null;
        }
        var lower = Math.Max(1, CeilDiv(least.Bytes, resolution));
        return lower < floor ? lower : null;
    }

    /// <summary>"survives at everything down to 3Mi" with what it charged there.</summary>
    private string SurvivesDownTo(Run run, MemoryQuantity floor)
    {
        var peak = run.PeakChargedAt(floor);
        var figures = peak is { } p ? $" (peak charged {new MemoryQuantity(p).ToMebibyteString()} there)" : "";
        var least = options.LeastStart is { } l && l.Bytes >= floor.Bytes ? ", the least limit a process can start in" : " (lower --min)";
        return $"no edge: it survives at everything down to {floor}{least}: {options.Confirm} of {options.Confirm} trials survived{figures}";
    }

    private static long DefaultMax(TrialMemorySummary memory) =>
        Math.Max(DefaultMinimumMax, 4 * (memory.PeakChargedBytes ?? 0));

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    private static long RoundDiv(long a, long b) => (long)Math.Round(a / (double)b, MidpointRounding.AwayFromZero);

    /// <summary>The state of one search: the trials so far, by grid index.</summary>
    private sealed class Run(
        ITrialExecutor executor, EdgeSearchOptions options, KnobSet knobs, TrialResult baseline,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        private readonly List<EdgeTrial> _trials = [];
        private readonly Dictionary<long, List<TrialResult>> _byLimit = [];
        private readonly HealthCriteria _health = new(baseline.Load!, options.Healthy, options.P99Factor);
        private string _search = "survival";
        private int _rounds;

        public int Slots { get; } = TrialSlots.Of(executor);

        public IReadOnlyCollection<long> Tested => _byLimit.Keys;

        public long? PeakChargedAt(MemoryQuantity limit) =>
            _byLimit.TryGetValue(limit.Bytes / options.Resolution.Bytes, out var trials)
                ? trials.Select(t => t.Memory.PeakChargedBytes).Max()
                : null;

        public int TrialsAt(long k) => _byLimit.TryGetValue(k, out var trials) ? trials.Count : 0;

        public LimitGridSearch SurvivalSearch()
        {
            _search = "survival";
            return new LimitGridSearch(SurvivalVerdict, RunRoundAsync, TrialsLeft, TrialsAt, options.Confirm, Slots);
        }

        public LimitGridSearch HealthySearch(long survivalEdge)
        {
            _search = "healthy";
            return new LimitGridSearch(k => k < survivalEdge ? LimitVerdict.Fail : HealthyVerdict(k), RunRoundAsync, TrialsLeft, TrialsAt, options.Confirm, Slots);
        }

        public LimitVerdict SurvivalVerdict(long k)
        {
            if (!_byLimit.TryGetValue(k, out var trials))
            {
                return LimitVerdict.Untested;
            }
            if (trials.Any(t => !t.Survived))
            {
                return LimitVerdict.Fail;
            }
            return trials.Count >= options.Confirm ? LimitVerdict.Pass : LimitVerdict.PassOnce;
        }

        // One unhealthy trial rules a limit out while it is being bracketed; a limit being confirmed is judged on the
        // medians of all its trials, so one slow trial on a noisy machine does not move the healthy edge.
        public LimitVerdict HealthyVerdict(long k)
        {
            var survival = SurvivalVerdict(k);
            if (survival is LimitVerdict.Untested or LimitVerdict.Fail)
            {
                return survival;
            }
            var trials = _byLimit[k];
            if (trials.Count >= options.Confirm)
            {
                return IsHealthy(trials) ? LimitVerdict.Pass : LimitVerdict.Fail;
            }
            if (trials.Count == 1)
            {
                return _health.IsHealthyUnderLimit(trials[0]) ? LimitVerdict.PassOnce : LimitVerdict.Fail;
            }
            return LimitVerdict.PassOnce;
        }

        // Trials that never reached their limit were not slowed by it (see HealthCriteria).
        private bool IsHealthy(List<TrialResult> trials) =>
            trials.All(t => t.Load is not null)
            && (!trials.Any(HealthCriteria.ReachedLimit) || _health.IsHealthy(
                Medians.Median(trials.Select(t => t.Load!.RequestsPerSecond)),
                Medians.MedianOrNull(trials.Select(t => t.Load!.P99Latency))!.Value));

        private int TrialsLeft() => options.MaxTrials - _trials.Count;

        /// <summary>One round: its trials run side by side (one after another with one slot) and count in their order.</summary>
        public async Task RunRoundAsync(IReadOnlyList<(long Limit, string Step)> round)
        {
            _rounds++;
            var requests = round.Select((t, i) => new TrialRequest(new MemoryQuantity(t.Limit * options.Resolution.Bytes), knobs)
            {
                Purpose = string.Create(CultureInfo.InvariantCulture, $"{_search} {t.Step} #{_trials.Count + 1 + i}"),
            }).ToList();
            var results = await TrialBatch.RunAsync(executor, requests, progress, cancellationToken);
            for (var i = 0; i < round.Count; i++)
            {
                var (k, step) = round[i];
                if (!_byLimit.TryGetValue(k, out var list))
                {
                    _byLimit[k] = list = [];
                }
                list.Add(results[i]);
                var healthy = _health.IsHealthyUnderLimit(results[i]);
                _trials.Add(new EdgeTrial(_trials.Count + 1, _search, step, results[i], healthy)
                {
                    Round = _rounds,
                    NeverAtLimit = healthy && !_health.IsHealthy(results[i]),
                });
            }
        }

        public EdgeSearchResult Result(
            EdgePrediction prediction, MemoryQuantity? survival, MemoryQuantity? largestFailing,
            MemoryQuantity? healthy, MemoryQuantity? largestUnhealthy, string? noEdge, string? noHealthy)
        {
            var curve = _byLimit
                .OrderBy(kv => kv.Key)
                .Select(kv => Point(new MemoryQuantity(kv.Key * options.Resolution.Bytes), kv.Value))
                .ToList();
            return new EdgeSearchResult(knobs, baseline, prediction, survival, largestFailing, healthy, largestUnhealthy,
                _trials.ToList(), curve, noEdge, noHealthy);
        }

        private ThroughputPoint Point(MemoryQuantity limit, List<TrialResult> trials)
        {
            var survived = trials.Where(t => t.Survived && t.Load is not null).ToList();
            var rps = Medians.MedianOrNull(survived.Select(t => t.Load!.RequestsPerSecond));
            var p99 = Medians.MedianOrNull(survived.Select(t => t.Load!.P99Latency));
            var healthy = survived.Count == trials.Count && rps is { } r && p99 is { } p
                && (!trials.Any(HealthCriteria.ReachedLimit) || _health.IsHealthy(r, p));
            return new ThroughputPoint(limit, trials.Count, trials.Count - survived.Count, rps, p99, healthy);
        }
    }
}
