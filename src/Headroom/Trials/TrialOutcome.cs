namespace Headroom.Trials;

/// <summary>How one trial ended. Every outcome is reported with the evidence that decided it.</summary>
public enum TrialOutcome
{
    /// <summary>The target served the whole load and was alive at the end.</summary>
    Survived,
    /// <summary>The kernel killed it: the cgroup's <c>oom_kill</c> counter rose and/or it exited by SIGKILL (137).</summary>
    OomKilled,
    /// <summary>The runtime gave up on its own (.NET <c>OutOfMemoryException</c>, Go <c>runtime: out of memory</c>, JVM <c>OutOfMemoryError</c>).</summary>
    RuntimeOom,
    /// <summary>Alive but stalled under memory pressure: major page faults climbing while completed requests stall.</summary>
    Thrashing,
    /// <summary>Exited for another reason.</summary>
    Crashed,
    /// <summary>Never became ready.</summary>
    StartFailed,
    /// <summary>
    /// Alive and answering, but under its limit a larger share of its requests failed (refused, timed out, reset, or
    /// answered with an unexpected status) than without a limit: more than one point below the baseline's success ratio.
    /// </summary>
    Errors,
    /// <summary>
    /// Alive but failing its liveness probe (<c>failures</c> probes in a row unanswered within their timeout): what a
    /// kubelet would kill and restart.
    /// </summary>
    Unresponsive,
}

public static class TrialOutcomeNames
{
    /// <summary>The kebab-case name used in reports and JSON (<c>oom-killed</c>).</summary>
    public static string ToKebab(this TrialOutcome outcome) => outcome switch
    {
        TrialOutcome.Survived => "survived",
        TrialOutcome.OomKilled => "oom-killed",
        TrialOutcome.RuntimeOom => "runtime-oom",
        TrialOutcome.Thrashing => "thrashing",
        TrialOutcome.Crashed => "crashed",
        TrialOutcome.StartFailed => "start-failed",
        TrialOutcome.Errors => "errors",
        TrialOutcome.Unresponsive => "unresponsive",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    public static TrialOutcome FromKebab(string name) =>
        Enum.GetValues<TrialOutcome>().FirstOrDefault(o => o.ToKebab() == name, (TrialOutcome)(-1)) is var o && (int)o >= 0
            ? o
            : throw new FormatException($"unknown trial outcome '{name}'");
}
