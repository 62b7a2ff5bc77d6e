using Headroom.Experiments;
using Headroom.Limits;
using Headroom.Trials;

namespace Headroom.Reports;

/// <summary>
/// <c>summary.json</c>: the study's answers in a stable shape for scripts and for the HTML report (the trials
/// themselves stay in <c>results.jsonl</c>).
/// </summary>
public static class SummaryJson
{
    public const string FileName = StudyFolder.SummaryFile;

    private static List<FailedLoadSummary> FailedLoads(StudyResult study)
    {
        var trials = (study.Edge?.Trials.Select(t => (Phase: StudyPhases.Edge, t.Result)) ?? [])
            .Concat(study.Matrix?.Trials.Select(t => (Phase: StudyPhases.Matrix, t.Result)) ?? [])
            .Concat(study.Floor?.Search.Trials.Select(t => (Phase: StudyPhases.Floor, t.Result)) ?? []);
        return [.. trials.Where(t => t.Result.Load is { Errors: > 0 })
            .Select(t => new FailedLoadSummary(t.Phase, t.Result.Request.Limit, t.Result.Request.Knobs.Name, t.Result.Outcome.ToKebab(),
                t.Result.Load!.Requests, t.Result.Load.Succeeded, t.Result.Load.Failures))];
    }

    public static StudySummary From(StudyReport report)
    {
        var study = report.Study;
        var r = report.Recommendation;
        return new StudySummary(
            study.Plan.Name,
            study.Plan.SpecHash,
            study.TrialsRun + study.TrialsReplayed,
            study.TrialTime,
            study.Baseline.Outcome.ToKebab(),
            study.Baseline.Load?.RequestsPerSecond,
            study.Baseline.Load?.P99Latency,
            study.Baseline.Memory.PeakChargedBytes,
            study.Edge is { } e ? new EdgeSummary(e.SurvivalEdge, e.LargestFailing, e.HealthyEdge, e.Prediction.Edge, e.TrialsUsed, e.NoEdgeMessage ?? e.NoHealthyEdgeMessage)
            {
                Outcomes = [.. e.Trials.Select(t => new EdgeTrialSummary(t.Number, t.Limit, t.Verdict, t.Result.Load?.RequestsPerSecond, t.Result.WallTime) { NeverAtLimit = t.NeverAtLimit ? true : null })],
                NeverAtLimitNote = EdgeTrial.NoteFor(e.Trials),
            } : null,
            study.Matrix?.Cells.Select(c => new CellSummary(c.Limit.Limit, c.Limit.Label, c.Knobs.Name, c.MedianRequestsPerSecond, c.MinRequestsPerSecond, c.MaxRequestsPerSecond, c.MedianAverageLatency, c.MedianP99Latency, c.MedianGcCount, c.OomKills, c.Trials) { Requests = c.Requests, Succeeded = c.Succeeded }).ToList(),
            study.Matrix?.Ratios.Select(x => new RatioSummary(x.Limit.Limit, x.Knobs.Name, x.Versus.Name, x.Interval?.Estimate, x.Interval?.Low, x.Interval?.High, x.Interval?.WithinNoise)).ToList(),
            study.Floor is { } f ? new FloorSummary(f.Knobs.Name, f.Floor?.Limit, f.Floor?.RequestsPerSecond, f.NoKnobEdge?.Limit, f.NoKnobEdge?.RequestsPerSecond, f.Search.NoEdgeMessage) : null,
            r is null ? null : new RecommendationSummary(r.Limit, r.Request, r.RuntimeLimit?.Variable, r.RuntimeLimit?.Value, r.Knob?.Verdict, r.Caveats, r.ContainerYaml, r.Unavailable) { AtPeak = r.AtPeak },
            study.Notes)
        {
            BaselineRequests = study.Baseline.Load?.Requests,
            BaselineSucceeded = study.Baseline.Load?.Succeeded,
            BaselineFailures = study.Baseline.Load?.Failures,
            FailedLoads = FailedLoads(study),
            Verification = r?.Verification is { } v ? VerificationSummary.From(v) : null,
        };
    }
}

public sealed record StudySummary(
    string Name, string SpecHash, int Trials, TimeSpan TrialTime,
    string BaselineOutcome, double? BaselineRequestsPerSecond, TimeSpan? BaselineP99, long? BaselinePeakChargedBytes,
    EdgeSummary? Edge, IReadOnlyList<CellSummary>? Matrix, IReadOnlyList<RatioSummary>? Ratios, FloorSummary? Floor,
    RecommendationSummary? Recommendation, IReadOnlyList<string> Notes)
{
    /// <summary>Requests the baseline sent, and of them those that succeeded.</summary>
    public long? BaselineRequests { get; init; }

    public long? BaselineSucceeded { get; init; }

    /// <summary>The baseline's failed requests by kind.</summary>
    public IReadOnlyList<Load.LoadFailure>? BaselineFailures { get; init; }

    /// <summary>Every limited trial with a failed request: where, how it ended, and its failures by kind.</summary>
    public IReadOnlyList<FailedLoadSummary> FailedLoads { get; init; } = [];

    /// <summary>The runs of the recommended setting before it was printed (null: not verified).</summary>
    public VerificationSummary? Verification { get; init; }
}

/// <summary>A verification: whether a setting passed, the lines the reports print, and every setting run.</summary>
public sealed record VerificationSummary(bool Verified, MemoryQuantity? Limit, IReadOnlyDictionary<string, string>? Environment, string? DroppedRuntimeLimit, IReadOnlyList<string> Lines, IReadOnlyList<VerificationAttemptSummary> Attempts)
{
    public static VerificationSummary From(Verification.VerificationResult v) => new(
        v.Verified is not null, v.Verified?.Setting.Limit, v.Verified?.Setting.Environment, v.DroppedRuntimeLimit, v.Lines(),
        [.. v.Attempts.Select(a => new VerificationAttemptSummary(
            a.Setting.Limit, a.Setting.Environment, a.Passed, a.Failure,
            [.. a.Trials.Select(t => new VerificationTrialSummary(t.Result.Outcome.ToKebab(), t.Healthy, t.Result.Load?.RequestsPerSecond, t.Result.Load?.P99Latency, t.Result.Memory.PeakChargedBytes, t.Result.WallTime, t.Judgement))],
            a.Sustained is { } s ? new VerificationSustainedSummary(s.Trial.Outcome.ToKebab(), a.SustainedRate, s.Trial.Load?.RequestsPerSecond, s.Options.Duration,
                s.Deciding is { } d ? d.Fit.Slope * (s.LoadSeconds - s.WarmupSeconds) : null, s.Verdict.Text) : null))]);
}

public sealed record VerificationAttemptSummary(MemoryQuantity Limit, IReadOnlyDictionary<string, string> Environment, bool Passed, string? Failure, IReadOnlyList<VerificationTrialSummary> Trials, VerificationSustainedSummary? Sustained);

public sealed record VerificationTrialSummary(string Outcome, bool Healthy, double? RequestsPerSecond, TimeSpan? P99, long? PeakChargedBytes, TimeSpan WallTime, string Judgement);

/// <summary>The sustained run: its rate asked and served, and how much memory grew over its fitted part (bytes).</summary>
public sealed record VerificationSustainedSummary(string Outcome, double? Rate, double? RequestsPerSecond, TimeSpan Duration, double? MemoryChangeBytes, string Verdict);

/// <summary>A trial some of whose requests failed.</summary>
public sealed record FailedLoadSummary(string Phase, MemoryQuantity? Limit, string Knobs, string Outcome, long Requests, long Succeeded, IReadOnlyList<Load.LoadFailure> Failures);

public sealed record EdgeSummary(MemoryQuantity? SurvivalEdge, MemoryQuantity? LargestFailing, MemoryQuantity? HealthyEdge, MemoryQuantity? PredictedEdge, int Trials, string? Message)
{
    /// <summary>Every edge trial as the reports word it (<c>survived (slow)</c> included).</summary>
    public IReadOnlyList<EdgeTrialSummary> Outcomes { get; init; } = [];

    /// <summary>The sentence the reports print under the trials when one is marked <c>neverAtLimit</c>; absent otherwise.</summary>
    public string? NeverAtLimitNote { get; init; }
}

public sealed record EdgeTrialSummary(int Number, MemoryQuantity Limit, string Outcome, double? RequestsPerSecond, TimeSpan WallTime)
{
    /// <summary>True (else absent) when it counted healthy below the bar only because its memory never reached 95 % of the limit.</summary>
    public bool? NeverAtLimit { get; init; }
}

public sealed record CellSummary(MemoryQuantity Limit, string Label, string Knobs, double? MedianRequestsPerSecond, double? MinRequestsPerSecond, double? MaxRequestsPerSecond, TimeSpan? MedianAverageLatency, TimeSpan? MedianP99Latency, double? MedianGcCount, int OomKills, int Trials)
{
    public long Requests { get; init; }

    public long Succeeded { get; init; }
}

public sealed record RatioSummary(MemoryQuantity Limit, string Knobs, string Versus, double? Ratio, double? Low, double? High, bool? WithinNoise);

public sealed record FloorSummary(string Knobs, MemoryQuantity? Floor, double? FloorRequestsPerSecond, MemoryQuantity? NoKnobEdge, double? EdgeRequestsPerSecond, string? Message);

public sealed record RecommendationSummary(MemoryQuantity? Limit, MemoryQuantity? Request, string? RuntimeVariable, string? RuntimeValue, string? Knob, IReadOnlyList<string> Caveats, string? ContainerYaml, string? Unavailable)
{
    /// <summary>With <c>study --peak-concurrency</c>: the curve's need at the peak the limit comes from (null: from the healthy edge).</summary>
    public PeakNeed? AtPeak { get; init; }
}
