using k8s;
using k8s.Autorest;
using k8s.Models;
using Headroom.Trials;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// The events <c>kubectl describe</c> shows for the trial's pod and its ReplicaSet (both new with each trial, so all
/// their events are the trial's): <c>FailedScheduling</c>, <c>BackOff</c>, <c>Killing</c>, <c>Evicted</c>,
/// <c>FailedCreate</c>… They go into the trial's details, and the warnings into the evidence of a trial whose
/// container status alone does not say why it failed.
/// </summary>
public static class PodEvents
{
    /// <summary>The events, oldest first; empty when the cluster refuses to list them (the trial goes on).</summary>
    public static async Task<IReadOnlyList<TrialEvent>> ListAsync(
        IKubernetes client, string ns, string? pod, string? replicaSet, CancellationToken cancellationToken)
    {
        var events = new List<TrialEvent>();
        foreach (var (kind, name) in new[] { ("Pod", pod), ("ReplicaSet", replicaSet) })
        {
            if (name is null)
            {
                continue;
            }
            try
            {
                var list = await client.CoreV1.ListNamespacedEventAsync(ns,
                    fieldSelector: $"involvedObject.kind={kind},involvedObject.name={name}", cancellationToken: cancellationToken);
                events.AddRange(list.Items.Select(e => ToTrialEvent(e, kind)));
            }
            catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound)
            {
                // Without the events the report is poorer, not wrong.
            }
        }
        // To the second, as kubectl shows them: the scheduler's eventTime has microseconds, the kubelet's timestamps not.
        return [.. events.OrderBy(e => e.At is { } at ? at.ToUnixTimeSeconds() : long.MinValue)];
    }

    /// <summary>
    /// The node's <c>SystemOOM</c> events since <paramref name="since"/>: the kubelet records one on its Node (namespace
    /// "" is stored in <c>default</c>) for each OOM kill in the root cgroup, i.e. by the node's OOM killer. Empty when
    /// the Role cannot list events in <c>default</c>.
    /// </summary>
    public static async Task<IReadOnlyList<TrialEvent>> NodeOomsAsync(IKubernetes client, string? node, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (node is null)
        {
            return [];
        }
        try
        {
            var list = await client.CoreV1.ListNamespacedEventAsync("default",
                fieldSelector: $"involvedObject.kind=Node,involvedObject.name={node},reason=SystemOOM", cancellationToken: cancellationToken);
            return [.. list.Items.Select(e => ToTrialEvent(e, "Node")).Where(e => e.At is not { } at || at >= since.AddSeconds(-1))];
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }
    }

    /// <summary>The ReplicaSet that owns the pod (named in its ownerReferences).</summary>
    public static string? ReplicaSetOf(V1Pod? pod) =>
        pod?.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Kind == "ReplicaSet")?.Name;

    /// <summary>
    /// The warnings, one per reason, for the evidence: <c>FailedScheduling: 0/1 nodes are available: 1 Insufficient
    /// memory.</c>; null when there were none.
    /// </summary>
    public static string? Warnings(IReadOnlyList<TrialEvent> events)
    {
        var warnings = events.Where(e => e.Type == "Warning")
            .GroupBy(e => e.Reason)
            .Select(g => g.Last())
            .Select(e => $"{e.Reason}{(e.Count > 1 ? $" x{e.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "")}: {Shorten(e.Message)}")
            .ToArray();
        return warnings.Length == 0 ? null : "events: " + string.Join("; ", warnings);
    }

    /// <summary>A failed start or a crash gets the cluster's warnings (FailedScheduling, Evicted, BackOff) as its reasons.</summary>
    public static string WithWarnings(TrialOutcome outcome, string evidence, IReadOnlyList<TrialEvent> events) =>
        outcome is TrialOutcome.StartFailed or TrialOutcome.Crashed && Warnings(events) is { } warnings ? $"{evidence}; {warnings}" : evidence;

    private static TrialEvent ToTrialEvent(Corev1Event e, string kind)
    {
        DateTime? at = e.LastTimestamp ?? e.EventTime ?? e.FirstTimestamp ?? e.Metadata?.CreationTimestamp;
        return new TrialEvent(
            at is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null,
            e.Type ?? "Normal",
            e.Reason ?? "",
            $"{kind.ToLowerInvariant()}/{e.InvolvedObject?.Name}",
            (e.Message ?? "").Trim(),
            Math.Max(e.Count ?? e.Series?.Count ?? 1, 1));
    }

    private static string Shorten(string message)
    {
        var line = message.Split('\n')[0].Trim();
        return line.Length > 200 ? line[..197] + "..." : line;
    }
}
