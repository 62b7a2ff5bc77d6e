using System.Globalization;
using Headroom.Cgroups;
using Headroom.Trials;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// What the container status alone gets wrong about memory, corrected from the cgroup's <c>memory.events</c> (v1:
/// <c>memory.oom_control</c>) at the trial's last exec reading and the cluster's events:
/// <list type="bullet">
/// <item>a process other than the container's main one OOM-killed at the limit (a worker, a shell, the exec's own
/// <c>cat</c>): no restart and no reason, yet <c>oom_kill</c> is above 0. The trial's pod is new with the trial (its
/// template changed) and, with no restart, its container runs in the cgroup it started in, whose counters started at
/// 0 (cgroup-v2.rst: memory.events counts the cgroup's and its descendants' events). So 0 is the baseline, not the
/// first exec reading: that one comes after three execs, and a kill during warm-up or the load's first moments
/// (before it) was missed when the rule compared the first and last readings. <c>oom-killed</c>, not survived;</item>
/// <item>a kill by the node's OOM killer (the kubelet's <c>SystemOOM</c> Node event, recorded only for an OOM in the
/// root cgroup, pkg/kubelet/oom/oom_watcher_linux.go): the kubelet still says OOMKilled, but the limit was not what
/// ran out: crashed, like an eviction;</item>
/// <item>the kubelet killing a container that failed its liveness probe (a <c>Killing</c> event "failed liveness
/// probe", exit 137/143, reason Error) while its memory was near the limit: too slow at the limit, <c>thrashing</c>,
/// not a crash.</item>
/// </list>
/// </summary>
public static class OomEvidence
{
    /// <summary>A liveness kill at or above this share of the limit is the limit's doing.</summary>
    public const double NearLimit = 0.9;

    public static (TrialOutcome Outcome, string Evidence) Reconsider(
        TrialOutcome outcome, string evidence, CgroupMemoryReading? last,
        V1ContainerStateTerminated? ended, IReadOnlyList<TrialEvent> events, long? lastUsage, long? limit)
    {
        if (outcome is TrialOutcome.Survived or TrialOutcome.Thrashing
            && last?.OomKills is > 0 and var kills)
        {
            return (TrialOutcome.OomKilled, string.Create(CultureInfo.InvariantCulture,
                $"{evidence}; but memory.events oom_kill 0->{kills} since the container started, with no restart: a process other than the container's main one was OOM-killed at the limit"));
        }
        if (outcome == TrialOutcome.OomKilled && events.LastOrDefault(e => e.Reason == "SystemOOM") is { } system)
        {
            return (TrialOutcome.Crashed, $"{evidence}; but the node's OOM killer did it ({system.InvolvedObject} SystemOOM: {system.Message}), not the container's limit");
        }
        if (outcome == TrialOutcome.Crashed && ended is { ExitCode: 137 or 143 } && ended.Reason is null or "Error"
            && events.LastOrDefault(e => e.Reason == "Killing" && e.Message.Contains("failed liveness probe", StringComparison.Ordinal)) is { } killing)
        {
            var share = lastUsage is { } used && limit is { } max and > 0 ? (double)used / max : (double?)null;
            var at = share is { } s ? string.Create(CultureInfo.InvariantCulture, $" at {s * 100:0}% of its limit") : "";
            return share >= NearLimit
                ? (TrialOutcome.Thrashing, $"{evidence}; killed by the kubelet after failing its liveness probe{at}: too slow to answer at this limit ({killing.Message})")
                : (outcome, $"{evidence}; killed by the kubelet after failing its liveness probe{at} ({killing.Message})");
        }
        return (outcome, evidence);
    }
}
