using Headroom.Specs;
using Headroom.Trials;

namespace Headroom.Cli.Commands;

/// <summary>
/// The one place the experiment commands get their executor from: a runner (local cgroup, container, Kubernetes)
/// built for the spec's target and load. The commands never know which.
/// </summary>
internal interface ITrialExecutorFactory
{
    /// <summary>The executor for <paramref name="spec"/>'s target and load (the bundled sample when the spec names no target).</summary>
    ITrialExecutor Create(StudySpec spec);

    /// <summary>Writes a trial's memory series into the study folder (null: samples are not kept).</summary>
    Func<TrialResult, string, CancellationToken, Task>? SaveSamples { get; }
}

/// <summary>Holds the factory the commands use: the local runner by default; tests put their own.</summary>
internal static class TrialExecutors
{
    public static ITrialExecutorFactory Factory { get; set; } = new LocalRunnerFactory();
}
