using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// One line of <c>results.jsonl</c>: a finished trial with where it belongs in the study (phase and index within the
/// phase, which together with the spec hash make it replayable), what was asked and everything measured.
/// </summary>
public sealed record TrialRecord(
    string SpecHash,
    string Phase,
    int Index,
    string Purpose,
    MemoryQuantity? Limit,
    string KnobSet,
    IReadOnlyDictionary<string, string> KnobEnv,
    string Outcome,
    string Evidence,
    TrialLoadSummary? Load,
    TrialMemorySummary Memory,
    int Restarts,
    TimeSpan WallTime,
    string? SamplesFile)
{
    public static TrialRecord From(string specHash, string phase, int index, TrialResult result, string? samplesFile) => new(
        specHash, phase, index, result.Request.Purpose, result.Request.Limit, result.Request.Knobs.Name,
        result.Request.Knobs.Environment, result.Outcome.ToKebab(), result.Evidence, result.Load, result.Memory,
        result.RestartCount, result.WallTime, samplesFile);

    public TrialResult ToResult() => new(
        new TrialRequest(Limit, new KnobSet(KnobSet, KnobEnv)) { Purpose = Purpose },
        TrialOutcomeNames.FromKebab(Outcome), Evidence, Load, Memory, Restarts, WallTime);
}
