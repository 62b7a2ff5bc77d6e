using System.Globalization;
using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>The caveats a study's own data supports, each with its numbers; none is written without data behind it.</summary>
public static class Caveats
{
    public static IReadOnlyList<string> From(StudyResult study, KnobVerdict? knob)
    {
        var caveats = new List<string>();
        var edge = study.Edge;
        var baselineRps = study.Baseline.Load?.RequestsPerSecond;
        if (edge?.SurvivalEdge is { } survival && edge.HealthyEdge is { } healthy && healthy > survival && study.Baseline.Load is { RequestsPerSecond: > 0 } baseline)
        {
            caveats.Add(F($"Between the survival edge {survival} and the healthy edge {healthy} {NotHealthy(study, survival, healthy, baseline)}. The article's minimum is the survival edge; do not deploy at it."));
        }
        if (study.Baseline.Details.LoadPath is { } path && baselineRps is { } unlimited)
        {
            caveats.Add(PortForward(path, unlimited, edge?.Trials.Select(t => t.Result.Load?.RequestsPerSecond).OfType<double>().ToList() ?? []));
        }
        if (edge is not null)
        {
            foreach (var point in edge.ThroughputCurve.Where(p => p.Failures > 0 && p.Failures < p.Trials))
            {
                caveats.Add(F($"At {point.Limit} {point.Trials - point.Failures} of {point.Trials} trials survived before one failed: OOM near the edge is random, one trial a limit proves nothing."));
            }
            var thrashing = edge.Trials.Where(t => t.Result.Outcome == TrialOutcome.Thrashing).Select(t => t.Limit).Distinct().Order().ToList();
            if (thrashing.Count > 0)
            {
                caveats.Add($"At {string.Join(", ", thrashing)} it thrashed (alive, stalled on page faults) instead of being killed: below the edge a pod can hang rather than restart.");
            }
        }
        if (study.Baseline.Memory.RuntimeSysBytes is { } sys && edge?.SurvivalEdge is { } s2)
        {
            caveats.Add(F($"The runtime's own total (Sys {RuntimeLimits.Mi(sys)}) is {(sys > s2.Bytes ? "above" : "below")} the survival edge {s2}: it counts virtual memory the kernel never charged, so it is not the number to set."));
        }
        var edgeRatio = study.Matrix?.Ratios.FirstOrDefault(r => r.Limit.Label == "edge" && r.Interval is not null);
        if (edgeRatio?.Interval is { WithinNoise: false } atEdge)
        {
            var change = atEdge.Estimate - 1;
            caveats.Add(F($"{edgeRatio.Knobs.Describe()} at the edge {edgeRatio.Limit.Limit} ran {Math.Abs(change):P0} {(change < 0 ? "slower" : "faster")} than no knobs (x{atEdge.Estimate:0.00}, {atEdge.Confidence:P0} CI {atEdge.Low:0.00}-{atEdge.High:0.00})."));
        }
        foreach (var cell in study.Matrix?.Cells ?? [])
        {
            if (study.Matrix!.FailedRounds(cell) is { } failed)
            {
                caveats.Add(F($"In the matrix, {cell.Knobs.Name} at {cell.Limit.Limit} failed: {failed}."));
            }
        }
        if (study.Floor is { Floor: { } floor } f && f.NoKnobEdge is { } noKnob && f.ThroughputRatio is { } ratio)
        {
            caveats.Add(floor.Limit < noKnob.Limit
                ? F($"With {f.Knobs.Describe()} it stayed alive down to {floor.Limit} at {floor.RequestsPerSecond:#,0} req/s, {ratio:P0} of the {noKnob.RequestsPerSecond:#,0} req/s at the no-knob edge {noKnob.Limit}: a knob that keeps a starved service alive does not make it useful.")
                : F($"With {f.Knobs.Describe()} it needed {floor.Limit}, no less than the {noKnob.Limit} it needed without: the knob does not lower what the service needs (most of its memory is outside what the knob limits)."));
        }
        if (knob is { Interval: null })
        {
            caveats.Add($"Whether {knob.KnobSet} pays off at {knob.AtLimit} is unknown: {knob.Verdict}.");
        }
        return caveats;
    }

    /// <summary>The load's path said with its achieved rates: traffic inside the cluster may come faster and make the service allocate more.</summary>
    private static string PortForward(string path, double unlimited, List<double> trials) =>
        F($"The load went {path}: {unlimited:#,0} req/s achieved unlimited{(trials.Count == 0 ? "" : F($", {trials.Min():#,0}-{trials.Max():#,0} req/s in the edge's trials"))}. Traffic inside the cluster can come faster and make the service allocate more, so the edges may be optimistic; --url with an address that reaches the pods from inside the cluster's network (an ingress) avoids it.");

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Why the limits from the survival edge up to the healthy edge were not healthy, from the evidence that decided it:
    /// the edge search's own numbers at the survival edge when they are below the bar, else the matrix cell there that
    /// moved the healthy edge (its failed rounds by outcome, or its medians against the bar); never numbers that say
    /// healthy.
    /// </summary>
    private static string NotHealthy(StudyResult study, MemoryQuantity survival, MemoryQuantity healthy, TrialLoadSummary baseline)
    {
        var options = study.Plan.Spec.EdgeOptions();
        var health = new HealthCriteria(baseline, options.Healthy, options.P99Factor);
        var atSurvival = study.Edge!.ThroughputCurve.FirstOrDefault(p => p.Limit == survival);
        if (atSurvival?.MedianRequestsPerSecond is { } c && atSurvival.MedianP99Latency is { } p99 && !health.IsHealthy(c, p99))
        {
            // "Crawled" only when the throughput says so: the edge can also be unhealthy on p99.
            var share = c / baseline.RequestsPerSecond;
            return share < options.Healthy
                ? F($"it survived but crawled: {c:#,0} req/s at {survival} against {baseline.RequestsPerSecond:#,0} unlimited ({share:P0})")
                : F($"it survived but was not healthy: {c:#,0} req/s at {survival} against {baseline.RequestsPerSecond:#,0} unlimited ({share:P0}){P99Part(p99, baseline.P99Latency)}");
        }
        // The edge search found it healthy there: the matrix's rounds moved the healthy edge (HealthEvidence).
        if (study.Matrix is { } matrix)
        {
            var cells = matrix.Cells.Where(m => m.Knobs.Name == KnobSet.None.Name && m.Limit.Limit >= survival && m.Limit.Limit < healthy && !HealthEvidence.IsHealthy(m, health)).ToList();
            if (cells.Count > 0)
            {
                return $"it survived the edge search but {string.Join("; ", cells.Select(m => HealthEvidence.WhyUnhealthy(matrix, m)))} ({HealthEvidence.Bar(health)})";
            }
        }
        return $"it survived, but no limit below {healthy} was healthy in every trial";
    }

    private static string P99Part(TimeSpan? atLimit, TimeSpan? unlimited) =>
        atLimit is { } p && unlimited is { } u
            ? F($", p99 {p.TotalMilliseconds:#,0.0} ms against {u.TotalMilliseconds:#,0.0} ms unlimited")
            : "";
}
