using System.Diagnostics;
using Headroom.Runners.Local;
using Headroom.Runners.Trial;
using Headroom.Trials;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Runs trials in a Kubernetes Deployment: per trial it patches the container's memory limit and request (= limit) and
/// the knob set's env, waits for the rollout, finds the new pod, runs the load against the given URL, and reads the
/// pod's container status (OOMKilled, exit code, restart count) to classify the trial. The container's original
/// <c>resources</c> and <c>env</c> are saved on the Deployment before the first patch and restored at the end, on
/// cancellation, and by <see cref="RestoreAsync"/> (idempotent) after a crash.
/// </summary>
public sealed class K8sTrialExecutor(KubeConnection connection, DeploymentTarget target, ITrialLoad? load, K8sRunnerOptions options)
    : ITrialExecutor, IAsyncDisposable
{
    private readonly PodPortForwards _forwards = new(connection, options.PortForwards);
    private readonly DeploymentRestore _restore = new(connection, target, options);
    private int _trials;

    public async Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        var trial = Interlocked.Increment(ref _trials);
        if (trial == 1)
        {
            _forwards.Open();
        }
        try
        {
            var result = await ClusterRefusals.OneLineAsync(connection, "grant the Role in deploy/k8s/rbac or use another --context",
                () => PodInterruptions.RerunAsync(options.InterruptedReruns, progress, () => RunCoreAsync(request, trial, progress, cancellationToken)));
            return result with { WallTime = wall.Elapsed };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && options.RestoreOriginal)
        {
            progress?.Report($"cancelled; restoring {target.Describe()}");
            await _restore.WithTimeoutAsync();
            throw;
        }
    }

    private async Task<TrialResult> RunCoreAsync(TrialRequest request, int trial, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var services = trial == 1 ? await ServiceSelection.ListAsync(connection, target.Name, options, cancellationToken) : null;
        var autoscalers = trial == 1 ? await Autoscalers.ListAsync(connection, target.Name, options, cancellationToken) : null;
        var patched = await DeploymentWriter.PatchForTrialAsync(connection, target, options, request, DeploymentPatches.NewTrialId(trial),
            _restore.Patched, cancellationToken, d =>
            {
                ServiceSelection.Refuse(d, services);
                Autoscalers.Refuse(d, autoscalers);
                GitOpsOwners.Refuse(d, options);
            });
        progress?.Report($"patched {target.Describe()}: memory {request.Limit?.ToString() ?? "unlimited"}, knobs {request.Knobs.Name}; waiting for the rollout");
        await using var host = new PodTrialHost(connection, target, patched, options,
            pod =>
            {
                // Followed whether or not anyone listens to the progress ('?.' would skip the call with it).
                var forwards = _forwards.Follow(pod);
                progress?.Report($"rolled out: pod {pod}{forwards}");
            }, () => _forwards.LastError);
        var launch = new TargetLaunch([target.Describe()]) { ReadyUrl = options.ReadyUrl, StatsUrl = options.StatsUrl };
        var result = await TrialLoop.RunAsync(host, new TrialSetup(request, launch, target.Describe(), load), options, progress, cancellationToken);
        return _forwards.LoadPath is { } path ? result with { Details = result.Details with { LoadPath = path } } : result;
    }

    /// <summary>
    /// Puts this run's saved original back and removes Headroom's annotations; false when there was nothing of this
    /// run's to restore (another run's saved original is left alone). Safe to call any number of times.
    /// </summary>
    public Task<bool> RestoreAsync(CancellationToken cancellationToken) => _restore.RestoreAsync(cancellationToken);

    /// <summary>Restores the Deployment when a trial patched it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _restore.AtEndAsync();
        }
        finally
        {
            await _forwards.DisposeAsync();
        }
    }
}
