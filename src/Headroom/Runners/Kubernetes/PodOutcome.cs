using System.Globalization;
using Headroom.Trials;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// A pod's trial outcome from what the kubelet reports of the container: <c>lastState.terminated.reason ==
/// OOMKilled</c> (or a current terminated state), its exit code and the restart count's rise; a runtime's own OOM
/// message in the previous run's log makes it <c>runtime-oom</c>, as for the local runner.
/// </summary>
public static class PodOutcome
{
    /// <summary>How the container's last run ended, if it ended during the trial.</summary>
    public static V1ContainerStateTerminated? Ended(V1ContainerStatus? status, int restartsBefore) =>
        status?.State?.Terminated ?? ((status?.RestartCount ?? 0) > restartsBefore ? status?.LastState?.Terminated : null);

    /// <summary>
    /// Why the pod was taken away by the cluster, or null: being deleted (a drain, a scale-down, a person; its
    /// deletionTimestamp set), or the <c>DisruptionTarget</c> condition the control plane sets before it deletes a
    /// pod (preemption, the Eviction API, taint manager, pod GC). A node-pressure eviction by the kubelet is left to
    /// <see cref="Classify"/>: memory on the node ran short, which says something about the pod's memory.
    /// </summary>
    public static string? Disrupted(V1Pod pod)
    {
        if (pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "DisruptionTarget" && c.Status == "True") is { } target
            && target.Reason != "TerminationByKubelet")
        {
            return $"DisruptionTarget {target.Reason}{(string.IsNullOrWhiteSpace(target.Message) ? "" : $" ({target.Message.Trim()})")}";
        }
        return pod.Metadata?.DeletionTimestamp is not null ? "deleted during the trial" : null;
    }

    /// <summary>
    /// The outcome and its evidence; <paramref name="podStatus"/>, the pod's own status, tells an <c>Evicted</c> pod
    /// (node pressure, not its limit) from the rest; <paramref name="thrashing"/> is the detector's evidence from the
    /// pod's cgroup, or the load left unanswered at the limit.
    /// </summary>
    public static (TrialOutcome Outcome, string Evidence) Classify(
        string pod, V1ContainerStatus? status, int restartsBefore, bool becameReady, IReadOnlyList<string> previousLog, string? notReady,
        V1PodStatus? podStatus = null, string? thrashing = null)
    {
        var restartsAfter = status?.RestartCount ?? restartsBefore;
        var restarts = string.Create(CultureInfo.InvariantCulture, $"restarts {restartsBefore}->{restartsAfter}");
        var ended = Ended(status, restartsBefore);
        if (ended?.Reason != "OOMKilled" && podStatus?.Reason == "Evicted")
        {
            // The kubelet evicted the pod because the node ran short: not an OOM kill at the container's limit, so
            // not evidence about the limit either way; the trial did not survive.
            var message = (podStatus.Message ?? "").Trim();
            return (becameReady ? TrialOutcome.Crashed : TrialOutcome.StartFailed,
                $"pod {pod}: Evicted{(message.Length > 0 ? $" ({message})" : "")}, {restarts}");
        }
        if (ended is not null)
        {
            var exit = string.Create(CultureInfo.InvariantCulture, $"exit {ended.ExitCode}");
            if (ended.Reason == "OOMKilled")
            {
                return (TrialOutcome.OomKilled, $"pod {pod}: OOMKilled, {exit}, {restarts}");
            }
            if (OutcomeClassifier.RuntimeOomLine(previousLog) is { } line)
            {
                return (TrialOutcome.RuntimeOom, $"pod {pod}: {ended.Reason ?? "Error"}, {exit}, {restarts}, {line.Runtime}: \"{line.Text}\"");
            }
            var signal = ended.ExitCode == 137 ? " (SIGKILL, but the kubelet did not report OOMKilled)" : "";
            var phase = becameReady ? "" : " before it became ready";
            var waitingNow = status?.State?.Waiting?.Reason is { } reason ? $", waiting: {reason}" : "";
            return (becameReady ? TrialOutcome.Crashed : TrialOutcome.StartFailed,
                $"pod {pod}: {ended.Reason ?? "Error"}, {exit}{signal}{phase}, {restarts}{waitingNow}");
        }
        if (!becameReady)
        {
            var waiting = status?.State?.Waiting is { } w ? $", waiting: {w.Reason}" : "";
            return (TrialOutcome.StartFailed, $"pod {pod}: {notReady ?? "never became ready"}{waiting}, {restarts}");
        }
        if (thrashing is not null)
        {
            return (TrialOutcome.Thrashing, $"pod {pod}: {thrashing}, {restarts}");
        }
        return (TrialOutcome.Survived, $"pod {pod}: alive after the load, {restarts}");
    }
}
