using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// Everything a study measured, phase by phase (null for a phase not run), the notes on phases it had to skip and
/// why, and how many trials ran against how many were replayed from the folder.
/// </summary>
public sealed record StudyResult(
    StudyPlan Plan,
    TrialResult Baseline,
    EdgeSearchResult? Edge,
    MatrixResult? Matrix,
    FloorResult? Floor,
    IReadOnlyList<string> Notes,
    int TrialsRun,
    int TrialsReplayed,
    TimeSpan Elapsed)
{
    public TimeSpan TrialTime =>
        Baseline.WallTime + (Edge?.TrialTime ?? TimeSpan.Zero) + (Matrix?.TrialTime ?? TimeSpan.Zero) + (Floor?.Search.TrialTime ?? TimeSpan.Zero);
}
