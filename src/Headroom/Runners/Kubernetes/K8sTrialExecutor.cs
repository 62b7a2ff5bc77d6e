using System.Diagnostics;
using Headroom.Runners.Local;
using Headroom.Runners.Trial;
using Headroom.Trials;
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
        var interruptions = new List<string>();
        try
        {
            while (true)
            {
                try
                {
                    var result = await RunCoreAsync(request, trial, progress, cancellationToken);
                    var reruns = interruptions.Count == 0 ? "" : $"; run again after: {string.Join("; ", interruptions)}";
                    return result with { WallTime = wall.Elapsed, Evidence = result.Evidence + reruns };
                }
                catch (PodInterruptedException e) when (interruptions.Count < options.InterruptedReruns)
                {
                    interruptions.Add(e.Message);
                    progress?.Report($"interrupted: {e.Message}; running the trial again");
                }
            }
        }
        catch (PodInterruptedException e)
        {
            throw new UserInputException(
                $"the trial's pod was interrupted {interruptions.Count + 1} times ({string.Join("; ", interruptions.Append(e.Message))}): the cluster is moving pods (a drain, a scale-down, preemption, a GitOps revert); --resume later", e);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && options.RestoreOriginal)
        {
            progress?.Report($"cancelled; restoring {target.Describe()}");
            await RestoreWithTimeoutAsync();
            throw;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            throw new UserInputException(
                $"{connection.Where} did not accept the credentials (401 on {e.Request.Method} {e.Request.RequestUri.AbsolutePath}), also after reading the kubeconfig again: credentials expired? log in again (kubectl get pods does) and --resume", e);
        }
        catch (HttpOperationException e) when (KubeConnection.IsRefusal(e))
        {
            throw connection.Refused(e, "grant the Role in deploy/k8s/rbac or use another --context");
        }
    }

    private async Task<TrialResult> RunCoreAsync(TrialRequest request, int trial, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var patched = await DeploymentWriter.PatchForTrialAsync(connection, target, options, request, DeploymentPatches.NewTrialId(trial),
            () => _patched = true, cancellationToken);
        progress?.Report($"patched {target.Describe()}: memory {request.Limit?.ToString() ?? "unlimited"}, knobs {request.Knobs.Name}; waiting for the rollout");
        await using var host = new PodTrialHost(connection, target, patched, options, PodFound,
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
    /// Puts this run's saved original back and removes Headroom's annotations; false when there was nothing of this
    /// run's to restore (another run's saved original is left alone). Safe to call any number of times.
    /// </summary>
    public async Task<bool> RestoreAsync(CancellationToken cancellationToken)
    {
        var restored = await DeploymentWriter.RestoreAsync(connection, target.Name, options.RunId, cancellationToken);
        _patched = false;
        return restored;
    }

    /// <summary>The restore at the end or after Ctrl+C; when it fails, the one-line error says how to do it by hand.</summary>
    private async Task RestoreWithTimeoutAsync()
    {
        using var timeout = new CancellationTokenSource(options.RestoreTimeout);
        try
        {
            await RestoreAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or OperationCanceledException or UserInputException)
        {
            var why = e is OperationCanceledException ? $"no answer within {options.RestoreTimeout.TotalSeconds:0.#} s" : e.Message.Split('\n')[0];
            throw new UserInputException($"could not restore deployment/{target.Name} ({why}); it still runs with the trial's limit: restore it with {connection.RestoreCommand(target.Name)}", e);
        }
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

/// <summary>The trial's pod was taken away by the cluster (deleted, drained, preempted): the trial says nothing about its limit.</summary>
internal sealed class PodInterruptedException(string message) : Exception(message);
