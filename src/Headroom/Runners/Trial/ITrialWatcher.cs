using Headroom.Memory;
using Headroom.Runners.Local;
using Headroom.Trials;

namespace Headroom.Runners.Trial;

/// <summary>
/// A per-trial rule, written once for every runner: the loop starts <see cref="WatchAsync"/> when a run of the target
/// starts (first start and each restart) and cancels it when the run's load window ends. A watcher reads the samples
/// (<see cref="MemorySampler.Sampled"/>) or asks the target itself (a liveness probe through <see cref="TrialRun.Http"/>),
/// and acts through <see cref="TrialRun.Decide"/> (ends the readiness wait and the load; the run is classified with
/// its evidence, as thrashing is) or <see cref="TrialRun.KillAsync"/> (kills the target, as a kubelet does after
/// failed liveness probes; the loop then sees a death and restarts it if the trial allows restarts).
/// </summary>
public interface ITrialWatcher
{
    Task WatchAsync(TrialRun run, CancellationToken cancellationToken);
}

/// <summary>One run of the target as a watcher sees it.</summary>
public sealed class TrialRun(
    TrialRequest request, TargetLaunch launch, Task exited, MemorySampler sampler, HttpClient http, ThrashingDetector detector,
    Func<Task> kill, IProgress<string>? progress, Task ready, bool canRestart)
{
    public TrialRequest Request => request;

    /// <summary>Where the target answers (ready and stats URLs).</summary>
    public TargetLaunch Launch => launch;

    /// <summary>Completes when this run of the target ends.</summary>
    public Task Exited => exited;

    public MemorySampler Sampler => sampler;

    /// <summary>Completes when this run answers its readiness URL (never, when it does not).</summary>
    public Task Ready => ready;

    /// <summary>Whether a death of this run is followed by a restart (<see cref="TrialRequest.Restarts"/> left, and a runner that starts it again).</summary>
    public bool CanRestart => canRestart;

    public HttpClient Http => http;

    public IProgress<string>? Progress => progress;

    /// <summary>The evidence the run was decided by (thrashing or a watcher's), null while it runs on.</summary>
    public string? Decided => detector.Evidence;

    /// <summary>
    /// Decides the run now with <paramref name="evidence"/> and <paramref name="outcome"/> (thrashing unless told):
    /// the readiness wait and the load end, the target is killed.
    /// </summary>
    public void Decide(string evidence, TrialOutcome outcome = TrialOutcome.Thrashing) => detector.Declare(evidence, outcome);

    /// <summary>Kills the target at once, wherever it runs.</summary>
    public Task KillAsync() => kill();
}
