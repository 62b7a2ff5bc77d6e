namespace Headroom.Experiments;

/// <summary>
/// Where a study is: the phase, the trial just finished (1-based, over the whole study) out of an estimate that
/// grows when a search needs more trials, and the time left at the pace of the trials run so far.
/// </summary>
public sealed record StudyProgress(string Phase, int Trial, int EstimatedTotal, TimeSpan? Eta, bool Replayed, string Description);
