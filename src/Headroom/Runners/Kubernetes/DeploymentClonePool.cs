using Headroom.Trials;
using k8s;
using k8s.Autorest;

namespace Headroom.Runners.Kubernetes;

/// <summary>How one clone's trials reach its pod: its own load and its own port-forwards (local ports differ per clone).</summary>
public sealed record CloneSlotSettings(ITrialLoad? Load, K8sRunnerOptions Options);

/// <summary>
/// <c>--parallel N</c>: N trial slots, each a clone of the target Deployment (see <see cref="DeploymentClones"/>)
/// patched per trial by its own <see cref="K8sTrialExecutor"/> exactly as the original is without <c>--parallel</c>.
/// The original Deployment is only read. Before its first trial the pool takes the run's <see cref="RunLease"/>,
/// deletes the clones of dead runs (a live run's clones make it refuse: two runs would interleave), and creates its
/// own, owned by the original; disposing it (at the end, after Ctrl+C, after an error) deletes them, each with its own
/// timeout, then the lease, and says which were deleted and which not.
/// </summary>
public sealed class DeploymentClonePool : IConcurrentTrialExecutor, IAsyncDisposable
{
    private readonly KubeConnection _connection;
    private readonly DeploymentTarget _target;
    private readonly TimeSpan _cleanupTimeout;
    private readonly K8sRunnerOptions _options;
    private RunLease? _lease;
    private IProgress<string>? _progress;
    private readonly TrialPool _pool;
    private readonly SemaphoreSlim _creating = new(1, 1);
    private bool _created;
    private bool _touched;

    public DeploymentClonePool(KubeConnection connection, DeploymentTarget target, IReadOnlyList<CloneSlotSettings> slots)
    {
        if (slots.Count < 1)
        {
            throw new ArgumentException("at least one clone", nameof(slots));
        }
        _connection = connection;
        _target = target;
        _cleanupTimeout = slots[0].Options.RestoreTimeout;
        _options = slots[0].Options;
        CloneNames = [.. Enumerable.Range(1, slots.Count).Select(i => DeploymentClones.Name(target.Name, i))];
        // A clone's labels drop the Deployment's selector (DeploymentClones): the Services that select the original do not select it.
        _pool = new TrialPool([.. slots.Select((s, i) => (ITrialExecutor)new CloneSlot(this, new K8sTrialExecutor(
            connection, new DeploymentTarget(CloneNames[i], target.Container), s.Load, s.Options with { RestoreOriginal = false, AllowServiceTraffic = true, AllowAutoscaler = true, AllowGitOps = true })))]);
    }

    public int Slots => _pool.Slots;

    /// <summary>The clones' names, slot by slot.</summary>
    public IReadOnlyList<string> CloneNames { get; }

    /// <summary>Trials started per clone, slot by slot.</summary>
    public IReadOnlyList<int> TrialsPerClone => _pool.TrialsPerSlot;

    /// <summary>Clones of killed earlier runs deleted before this pool created its own.</summary>
    public IReadOnlyList<string> SweptStale { get; private set; } = [];

    /// <summary>After disposing: the clones deleted, and "NAME (why)" of those still there.</summary>
    public (IReadOnlyList<string> Deleted, IReadOnlyList<string> Failed) Removed { get; private set; } = ([], []);

    public Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
        _pool.RunAsync(request, progress, cancellationToken);

    private async Task EnsureClonesAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        await _creating.WaitAsync(cancellationToken);
        try
        {
            if (_created)
            {
                return;
            }
            _progress = progress;
            var original = await _connection.ReadDeploymentAsync(_target.Name, cancellationToken);
            DeploymentPatches.Find(original, _target.Container);
            var runLabel = RunLease.Label(_options.RunId);
            var clones = Enumerable.Range(1, CloneNames.Count).Select(i => DeploymentClones.Build(original, i, runLabel, _options.PvcAsEmptyDir)).ToList();
            var swept = await DeploymentClones.SweepAsync(_connection, _target.Name, _cleanupTimeout, cancellationToken, runLabel);
            SweptStale = swept.Deleted;
            if (swept.Live.Count > 0 || swept.Failed.Count > 0)
            {
                throw new UserInputException(swept.Live.Count > 0
                    ? $"deployment/{_target.Name} has clones of another --parallel run that is still going ({string.Join("; ", swept.Live.Select(l => $"run {l.Run}: {string.Join(", ", l.Clones)}, {l.Why}"))}); wait for it to end, or once it has stopped for {RunLease.Duration.TotalSeconds:0} s run {_connection.RestoreCommand(_target.Name)}"
                    : $"could not delete a killed run's clones of deployment/{_target.Name}: {string.Join(", ", swept.Failed)}");
            }
            _touched = true;
            _lease = await RunLease.TakeAsync(_connection, _target.Name, _options.RunId, _options.LeaseRenewInterval, cancellationToken);
            foreach (var clone in clones)
            {
                await _connection.Client.AppsV1.CreateNamespacedDeploymentAsync(clone, _connection.Namespace, cancellationToken: cancellationToken);
            }
            _created = true;
            progress?.Report($"created {CloneNames.Count} clones of deployment/{_target.Name}: {string.Join(", ", CloneNames)}" +
                (SweptStale.Count > 0 ? $" (deleted stale {string.Join(", ", SweptStale)})" : ""));
        }
        catch (HttpOperationException e) when (KubeConnection.IsRefusal(e))
        {
            throw _connection.Refused(e, "--parallel needs list, create and delete on deployments and create, get, patch and delete on leases: grant the Role in deploy/k8s/rbac");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            throw new UserInputException(
                $"a deployment named like Headroom's clones exists but is not one of them ({e.Response.Content}); rename it or run without --parallel", e);
        }
        finally
        {
            _creating.Release();
        }
    }

    /// <summary>Ends every slot (port-forwards closed), then deletes the clones, also when a slot failed to end.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _pool.DisposeAsync();
        }
        finally
        {
            if (_touched)
            {
                await RemoveAsync();
            }
            _creating.Dispose();
        }
    }

    /// <summary>Deletes each clone (its own timeout), then stops and deletes the lease; says what was and was not deleted.</summary>
    private async Task RemoveAsync()
    {
        var deleted = new List<string>();
        var failed = new List<string>();
        foreach (var name in CloneNames)
        {
            if (await DeploymentClones.DeleteAsync(_connection, name, _cleanupTimeout, CancellationToken.None) is { } why)
            {
                failed.Add($"{name} ({why})");
            }
            else
            {
                deleted.Add(name);
            }
        }
        if (_lease is not null)
        {
            await _lease.DisposeAsync();
            if (failed.Count == 0)
            {
                // With clones left the lease stays too, and lapses: the next sweep sees a dead run and takes them.
                using var timeout = new CancellationTokenSource(_cleanupTimeout);
                try
                {
                    await RunLease.DeleteAsync(_connection, RunLease.Label(_options.RunId), timeout.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or HttpOperationException or HttpRequestException or IOException)
                {
                    // It lapses on its own.
                }
            }
        }
        Removed = (deleted, failed);
        _progress?.Report(failed.Count == 0
            ? $"deleted the {deleted.Count} clones of deployment/{_target.Name}"
            : $"deleted {deleted.Count} of {CloneNames.Count} clones of deployment/{_target.Name}; still there: {string.Join(", ", failed)}; delete them with {_connection.RestoreCommand(_target.Name)}");
    }

    /// <summary>One clone's slot: the clones exist before its first trial.</summary>
    private sealed class CloneSlot(DeploymentClonePool owner, K8sTrialExecutor clone) : ITrialExecutor, IAsyncDisposable
    {
        public async Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
        {
            await owner.EnsureClonesAsync(progress, cancellationToken);
            return await clone.RunAsync(request, progress, cancellationToken);
        }

        public ValueTask DisposeAsync() => clone.DisposeAsync();
    }
}
