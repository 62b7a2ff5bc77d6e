using System.Globalization;
using System.Text.RegularExpressions;
using Headroom.Memory;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// A <c>--parallel</c> run's identity in the cluster: a <c>coordination.k8s.io/v1</c> Lease
/// <c>headroom-run-ID</c> (holder = the run id, 60 s, renewed every 20 s while the run lives), labelled with the
/// Deployment it clones. Its clones carry the same run label, so a sweep deletes only the clones of runs whose lease
/// has lapsed (killed, SIGKILLed, the machine gone), never those of a run still going.
/// </summary>
public sealed partial class RunLease : IAsyncDisposable
{
    public const string RunLabel = "headroom.dev/run";

    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);

    private readonly KubeConnection _connection;
    private readonly BackgroundLoop _loop = new();
    private readonly TimeSpan _renewEvery;

    private RunLease(KubeConnection connection, string name, TimeSpan renewEvery)
    {
        _connection = connection;
        Name = name;
        _renewEvery = renewEvery;
    }

    public string Name { get; }

    /// <summary>The run id as a label value (lowercase letters, digits and dashes, at most 63).</summary>
    public static string Label(string runId)
    {
        var value = UnsafeCharacters().Replace(runId.ToLowerInvariant(), "-").Trim('-');
        return value.Length > 63 ? value[^63..].Trim('-') : value;
    }

    public static string LeaseName(string runId) => $"headroom-run-{Label(runId)}";

    /// <summary>Takes the lease for this run and renews it in the background until disposed.</summary>
    public static async Task<RunLease> TakeAsync(KubeConnection connection, string deployment, string runId, TimeSpan renewEvery, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var lease = new V1Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = new V1ObjectMeta
            {
                Name = LeaseName(runId),
                Labels = new Dictionary<string, string>
                {
                    [DeploymentClones.CloneOfLabel] = deployment,
                    [DeploymentClones.ManagedByLabel] = DeploymentClones.ManagedBy,
                    [RunLabel] = Label(runId),
                },
            },
            Spec = new V1LeaseSpec
            {
                HolderIdentity = runId,
                LeaseDurationSeconds = (int)Duration.TotalSeconds,
                AcquireTime = now,
                RenewTime = now,
            },
        };
        await connection.Client.CoordinationV1.CreateNamespacedLeaseAsync(lease, connection.Namespace, cancellationToken: cancellationToken);
        var taken = new RunLease(connection, lease.Metadata.Name, renewEvery);
        taken._loop.Start(taken.RenewAsync, CancellationToken.None);
        return taken;
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_renewEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var renew = new System.Text.Json.Nodes.JsonObject
                {
                    ["spec"] = new System.Text.Json.Nodes.JsonObject { ["renewTime"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture) },
                }.ToJsonString();
                try
                {
                    await _connection.Client.CoordinationV1.PatchNamespacedLeaseAsync(new V1Patch(renew, V1Patch.PatchType.MergePatch), Name, _connection.Namespace,
                        fieldManager: DeploymentWriter.FieldManager, cancellationToken: cancellationToken);
                }
                catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException)
                {
                    // The next tick tries again; a lease that lapses meanwhile only lets a sweep take this run's clones.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    /// <summary>
    /// Whether the run with this label is alive: its lease renewed within its duration. Null when there is no lease (a
    /// killed run whose lease was deleted, or clones from before leases): stale.
    /// </summary>
    public static async Task<(bool Live, string Why)> AliveAsync(KubeConnection connection, string runLabel, DateTime now, CancellationToken cancellationToken)
    {
        try
        {
            var lease = await connection.Client.CoordinationV1.ReadNamespacedLeaseAsync($"headroom-run-{runLabel}", connection.Namespace, cancellationToken: cancellationToken);
            var renewed = lease.Spec?.RenewTime ?? lease.Spec?.AcquireTime;
            var duration = TimeSpan.FromSeconds(lease.Spec?.LeaseDurationSeconds ?? (int)Duration.TotalSeconds);
            if (renewed is not { } at)
            {
                return (false, "its lease was never renewed");
            }
            var age = now - DateTime.SpecifyKind(at, DateTimeKind.Utc);
            return (age < duration, string.Create(CultureInfo.InvariantCulture, $"lease held by {lease.Spec?.HolderIdentity}, renewed {age.TotalSeconds:0} s ago"));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return (false, "no lease");
        }
    }

    /// <summary>Deletes a run's lease (gone already is fine).</summary>
    public static async Task DeleteAsync(KubeConnection connection, string runLabel, CancellationToken cancellationToken)
    {
        try
        {
            await connection.Client.CoordinationV1.DeleteNamespacedLeaseAsync($"headroom-run-{runLabel}", connection.Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Deleted already.
        }
    }

    /// <summary>Stops renewing (the caller deletes the lease after its clones).</summary>
    public ValueTask DisposeAsync() => _loop.DisposeAsync();

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex UnsafeCharacters();
}
