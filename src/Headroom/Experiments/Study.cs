using Headroom.Knobs;
using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// Runs a study's phases in order (baseline, edge, matrix, floor) over one executor, every trial through the
/// folder's <see cref="RecordingTrialExecutor"/>: a study started again on the same folder replays what is recorded
/// and runs only what is missing. <paramref name="live"/> null replays only (a finished study, for <c>recommend</c>).
/// </summary>
public sealed class Study(ITrialExecutor? live, StudyFolder folder, TimeProvider? time = null)
{
    /// <summary>Writes each live trial's memory series next to its record (the runner's samples; null: none kept).</summary>
    public Func<TrialResult, string, CancellationToken, Task>? SaveSamples { get; init; }

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<StudyResult> RunAsync(StudyPlan plan, IProgress<StudyProgress>? progress, CancellationToken cancellationToken)
    {
        var hash = plan.SpecHash;
        // Held for the whole run (null when the caller holds it already, or when only replaying).
        using var held = live is null ? null : folder.Lock();
        if (File.Exists(Path.Combine(folder.Path, StudyFolder.PlanFile)))
        {
            var recorded = folder.ReadPlan();
            if (recorded.SpecHash != hash)
            {
                throw new UserInputException($"{folder.Path} holds another study ({recorded.Name}, spec {recorded.SpecHash}); resume it with its own settings or choose a new folder");
            }
        }
        else if (live is not null)
        {
            folder.WritePlan(plan);
        }

        var slots = plan.Spec.Parallel ?? 1;
        if (live is not null && TrialSlots.Of(live) != slots)
        {
            throw new UserInputException(
                $"the study in {folder.Path} runs {slots} trial{(slots == 1 ? "" : "s")} at once (--parallel {slots}) but this runner has {TrialSlots.Of(live)}; resume it with the runner and --parallel it was started with");
        }

        var started = _time.GetTimestamp();
        var tracker = new ProgressTracker(plan, progress);
        // A baseline that failed its load stops the study before it is recorded; under a limit, a survival that failed
        // more of its requests than the baseline is recorded as 'errors'.
        ITrialExecutor? judged = null;
        ITrialExecutor Phase(string phase)
        {
            tracker.Enter(phase);
            var runner = live is null ? null : phase == StudyPhases.Baseline ? LoadValidity.CheckingBaseline(live) : judged;
            return new RecordingTrialExecutor(folder, hash, phase, runner, tracker.Finished, SaveSamples, slots);
        }

        var spec = plan.Spec;
        var notes = new List<string>();
        var baselineExecutor = Phase(StudyPhases.Baseline);
        var baseline = BaselineRuns.Combine(await BaselineRuns.RunAsync(baselineExecutor, Math.Max(1, spec.BaselineRuns ?? 1), cancellationToken));
        if (LoadValidity.BaselineProblem(baseline) is { } problem)
        {
            // Recorded before this check existed: still not a baseline to compare with.
            throw new UserInputException(problem);
        }
        if (live is not null)
        {
            judged = LoadValidity.Judging(live, baseline);
        }

        EdgeSearchResult? edge = null;
        if (plan.Runs(StudyPhases.Edge))
        {
            edge = await new EdgeSearch(Phase(StudyPhases.Edge), spec.EdgeOptions())
                .RunAsync(baseline, KnobSet.None, null, null, cancellationToken);
        }

        MatrixResult? matrix = null;
        if (plan.Runs(StudyPhases.Matrix))
        {
            var limits = spec.Limits.Count > 0
                ? spec.Limits.Select(l => new MatrixLimit(l, "given")).ToList()
                : edge?.SurvivalEdge is { } survival
                    ? MatrixExperiment.DefaultLimits(survival, baseline.Memory.RuntimeSysBytes, spec.Resolution)
                    : null;
            if (limits is null)
            {
                notes.Add("matrix skipped: no survival edge to derive its limits from, and no limits were given");
            }
            else
            {
                matrix = await new MatrixExperiment(Phase(StudyPhases.Matrix), spec.MatrixOptions())
                    .RunAsync(limits, spec.MatrixKnobSets(), null, cancellationToken);
            }
        }

        if (edge is not null)
        {
            // Every trial at a limit counts: the matrix's rounds can move the survival and healthy edges up.
            (edge, var moved) = HealthEvidence.Reconcile(edge, matrix, spec.EdgeOptions());
            notes.AddRange(moved);
        }
        if (HealthEvidence.ShortLoadNote(baseline) is { } shortLoad)
        {
            notes.Add(shortLoad);
        }

        FloorResult? floor = null;
        if (plan.Runs(StudyPhases.Floor))
        {
            var knobs = spec.FloorKnobSet();
            if (knobs is null)
            {
                notes.Add("floor skipped: no knob set for it (set 'runtime' or 'floor' in the spec)");
            }
            else if (edge?.SurvivalEdge is null)
            {
                notes.Add("floor skipped: there is no survival edge without knobs to compare with");
            }
            else
            {
                floor = await new FloorSearch(Phase(StudyPhases.Floor), spec.EdgeOptions())
                    .RunAsync(baseline, knobs, edge, null, cancellationToken);
            }
        }

        tracker.Done();
        return new StudyResult(plan, baseline, edge, matrix, floor, notes, tracker.Run, tracker.Replayed, _time.GetElapsedTime(started));
    }

    /// <summary>Counts trials and estimates the rest from the pace of the trials that really ran.</summary>
    private sealed class ProgressTracker(StudyPlan plan, IProgress<StudyProgress>? progress)
    {
        private readonly Dictionary<string, int> _done = [];
        private TimeSpan _liveTime;
        private string _phase = StudyPhases.Baseline;

        public int Run { get; private set; }
        public int Replayed { get; private set; }

        public void Enter(string phase) => _phase = phase;

        public void Done() =>
            progress?.Report(new StudyProgress(StudyPhases.Done, Run + Replayed, Run + Replayed, TimeSpan.Zero, false, "study finished"));

        public void Finished(TrialResult result, bool replayed)
        {
            if (replayed)
            {
                Replayed++;
            }
            else
            {
                Run++;
                _liveTime += result.WallTime;
            }
            _done[_phase] = _done.GetValueOrDefault(_phase) + 1;
            var total = 0;
            var remaining = 0;
            foreach (var phase in StudyPhases.All.Where(p => p == StudyPhases.Baseline || plan.Runs(p)))
            {
                var done = _done.GetValueOrDefault(phase);
                var expected = Math.Max(done + (phase == _phase ? 1 : 0), plan.EstimatedTrials(phase));
                if (StudyPhases.All.ToList().IndexOf(phase) < StudyPhases.All.ToList().IndexOf(_phase))
                {
                    expected = done;
                }
                total += expected;
                remaining += expected - done;
            }
            TimeSpan? eta = Run > 0 ? _liveTime / Run * remaining : null;
            var limit = result.Request.Limit?.ToString() ?? "unlimited";
            progress?.Report(new StudyProgress(_phase, Run + Replayed, total, eta, replayed,
                $"{limit} {result.Request.Knobs.Name}: {result.Outcome.ToKebab()}"));
        }
    }
}
