using Headroom.Knobs;
using Headroom.Targets;
using Headroom.Trials;

namespace Headroom.Runners.Local;

/// <summary>
/// Finds the cold set before the first trial: one start of the target without a limit and without load, while the
/// <see cref="CgroupFileWatcher"/> reads what its processes map and hold open. Later trials add what appears under
/// load; a stored set (a resumed study) needs no discovery.
/// </summary>
public static class ColdSetDiscovery
{
    public static async Task<DetectedRuntime> DiscoverAsync(this LocalTrialExecutor executor, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var set = executor.ColdSet;
        if (set.HasSeen)
        {
            progress?.Report($"cold set read from {set.StorePath}");
            return set.Runtime;
        }
        progress?.Report("discovery start: the target once without a limit or load, to find the files it uses and its runtime");
        var result = await executor.RunAsync(new TrialRequest(null, KnobSet.None) { Purpose = ColdSet.DiscoveryPurpose }, progress, cancellationToken);
        var trees = set.InstallTrees;
        progress?.Report($"discovery start {result.Outcome.ToKebab()}: runtime {set.Runtime.Describe()}" +
            (trees.Count > 0 ? $"; install folders evicted whole: {string.Join(", ", trees)}" : ""));
        return set.Runtime;
    }
}
