using Headroom.Trials;
using k8s;
using k8s.Autorest;

namespace Headroom.Runners.Kubernetes;

/// <summary>How one clone's trials reach its pod: its own load and its own port-forwards (local ports differ per clone).</summary>
public sealed record CloneSlotSettings(ITrialLoad? Load, K8sRunnerOptions Options);

/// <summary>
/// <c>--parallel N</c>: N trial slots, each a clone of the target Deployment (see <see cref="DeploymentClones"/>)
/// patched per trial by its own <see cref="K8sTrialExecutor"/> exactly as the original is without <c>--parallel</c>.
/// The original Deployment is only read. Before its first trial the pool deletes clones a killed run left behind and
/// creates its own; disposing it (at the end, after Ctrl+C, after an error) deletes them.
/// </summary>
public sealed class DeploymentClonePool : IConcurrentTrialExecutor, IAsyncDisposable
{
    private readonly KubeConnection _connection;
    private readonly DeploymentTarget _target;
    private readonly TimeSpan _cleanupTimeout;
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
        CloneNames = [.. Enumerable.Range(1, slots.Count).Select(i => DeploymentClones.Name(target.Name, i))];
        _pool = new TrialPool([.. slots.Select((s, i) => (ITrialExecutor)new CloneSlot(this, new K8sTrialExecutor(
            connection, new DeploymentTarget(CloneNames[i], target.Container), s.Load, s.Options with { RestoreOriginal = false })))]);
    }

    public int Slots => _pool.Slots;

    /// <summary>The clones' names, slot by slot.</summary>
    public IReadOnlyList<string> CloneNames { get; }

    /// <summary>Trials started per clone, slot by slot.</summary>
    public IReadOnlyList<int> TrialsPerClone => _pool.TrialsPerSlot;

    /// <summary>Clones of killed earlier runs deleted before this pool created its own.</summary>
    public IReadOnlyList<string> SweptStale { get; private set; } = [];

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
            _touched = true;
            var original = await _connection.ReadDeploymentAsync(_target.Name, cancellationToken);
            DeploymentPatches.Find(original, _target.Container);
            SweptStale = await DeploymentClones.SweepAsync(_connection, _target.Name, cancellationToken);
            for (var i = 0; i < CloneNames.Count; i++)
            {
                await _connection.Client.AppsV1.CreateNamespacedDeploymentAsync(
                    DeploymentClones.Build(original, i + 1), _connection.Namespace, cancellationToken: cancellationToken);
            }
            _created = true;
            progress?.Report($"created {CloneNames.Count} clones of deployment/{_target.Name}: {string.Join(", ", CloneNames)}" +
                (SweptStale.Count > 0 ? $" (deleted stale {string.Join(", ", SweptStale)})" : ""));
        }
        catch (HttpOperationException e) when (KubeConnection.IsRefusal(e))
        {
            throw _connection.Refused(e, "--parallel needs list, create and delete on deployments: grant the Role in deploy/k8s/rbac");
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
                using var timeout = new CancellationTokenSource(_cleanupTimeout);
                foreach (var name in CloneNames)
                {
                    await DeploymentClones.DeleteAsync(_connection, name, timeout.Token);
                }
            }
            _creating.Dispose();
        }
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
