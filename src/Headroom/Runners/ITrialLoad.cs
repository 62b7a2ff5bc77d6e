using Headroom.Runners.Local;
using Headroom.Trials;

namespace Headroom.Runners;

/// <summary>One load run against the target: the figures experiments compare and the generator's own report.</summary>
public sealed record TrialLoadRun(TrialLoadSummary Summary, string Report);

/// <summary>
/// The load step of a trial. The runner cancels it as soon as the target dies or thrashes, and reads the
/// completed-request count from the progress callback to tell a stall from slow progress.
/// </summary>
public interface ITrialLoad
{
    string Describe();

    Task<TrialLoadRun> RunAsync(TargetLaunch target, IProgress<long> completed, CancellationToken cancellationToken);
}
