using System.Diagnostics;
using Headroom.Runners.Local;
using Headroom.Runners.Trial;
using Headroom.Trials;
using k8s;
using k8s.Autorest;

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
    private readonly List<PodPortForward> _forwards = [];
    private int _trials;
    private bool _patched;
    private volatile string? _currentPod;

    public async Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        var trial = Interlocked.Increment(ref _trials);
        if (trial == 1)
        {
            _forwards.AddRange(options.PortForwards.Select(f => new PodPortForward(connection, () => _currentPod, f.Local, f.Remote)));
        }
        try
        {
            var result = await RunCoreAsync(request, trial, progress, cancellationToken);
            return result with { WallTime = wall.Elapsed };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && options.RestoreOriginal)
        {
            progress?.Report($"cancelled; restoring {target.Describe()}");
            await RestoreWithTimeoutAsync();
            throw;
        }
        catch (HttpOperationException e) when (KubeConnection.IsRefusal(e))
        {
            throw connection.Refused(e, "grant the Role in deploy/k8s/rbac or use another --context");
        }
    }

    private async Task<TrialResult> RunCoreAsync(TrialRequest request, int trial, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var deployment = await connection.ReadDeploymentAsync(target.Name, cancellationToken);
        var patch = DeploymentPatches.ForTrial(deployment, target.Container, request.Limit, request.Knobs, DeploymentPatches.NewTrialId(trial));
        _patched = true;
        var patched = await connection.Client.AppsV1.PatchNamespacedDeploymentAsync(patch, target.Name, connection.Namespace, cancellationToken: cancellationToken);
        progress?.Report($"patched {target.Describe()}: memory {request.Limit?.ToString() ?? "unlimited"}, knobs {request.Knobs.Name}; waiting for the rollout");
        await using var host = new PodTrialHost(connection, target, patched.Metadata.Generation ?? 0, options, PodFound,
            () => _forwards.Select(f => f.LastError).FirstOrDefault(e => e is not null));
        var launch = new TargetLaunch([target.Describe()]) { ReadyUrl = options.ReadyUrl, StatsUrl = options.StatsUrl };
        return await TrialLoop.RunAsync(host, new TrialSetup(request, launch, target.Describe(), load), options, progress, cancellationToken);

        void PodFound(string pod)
        {
            _currentPod = pod;
            progress?.Report($"rolled out: pod {pod}{string.Concat(_forwards.Select(f => $", port-forward 127.0.0.1:{f.LocalPort} -> {f.RemotePort}"))}");
        }
    }

    /// <summary>
    /// Puts the saved original back and removes Headroom's annotations; false when there was nothing to restore.
    /// Safe to call any number of times, from any process.
    /// </summary>
    public async Task<bool> RestoreAsync(CancellationToken cancellationToken)
    {
        var deployment = await connection.ReadDeploymentAsync(target.Name, cancellationToken);
        if (DeploymentPatches.ForRestore(deployment) is not { } patch)
        {
            return false;
        }
        await connection.Client.AppsV1.PatchNamespacedDeploymentAsync(patch, target.Name, connection.Namespace, cancellationToken: cancellationToken);
        _patched = false;
        return true;
    }

    private async Task RestoreWithTimeoutAsync()
    {
        using var timeout = new CancellationTokenSource(options.RestoreTimeout);
        await RestoreAsync(timeout.Token);
    }

    /// <summary>Restores the Deployment when a trial patched it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_patched && options.RestoreOriginal)
            {
                await RestoreWithTimeoutAsync();
            }
        }
        finally
        {
            foreach (var forward in _forwards)
            {
                await forward.DisposeAsync();
            }
        }
    }
}
