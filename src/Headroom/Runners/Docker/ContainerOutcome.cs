using Headroom.Trials;

namespace Headroom.Runners.Docker;

/// <summary>
/// A container run's outcome: the shared <see cref="OutcomeClassifier"/> decides from the cgroup's <c>oom_kill</c>
/// counter, the exit and the output, as for a local run; the engine's <c>OOMKilled</c> flag decides only where the
/// counter could not be read, and is always shown. Exit 137 without the flag and without the counter is a SIGKILL
/// whose cause is unconfirmed: it still counts as an OOM kill (the likely cause under a limit), and says so.
/// </summary>
public static class ContainerOutcome
{
    public static (TrialOutcome Outcome, string Evidence) Classify(TrialObservation seen, bool engineOomKilled, bool counterLost)
    {
        var (outcome, evidence) = OutcomeClassifier.Classify(seen);
        var flag = $"engine: OOMKilled={(engineOomKilled ? "true" : "false")}";
        var counterKnown = seen.OomKillsBefore is not null && seen.OomKillsAfter is not null;
        if (counterKnown)
        {
            return (outcome, Join(evidence, flag));
        }
        var why = counterLost ? "oom_kill counter gone with the container's cgroup before a rise was seen" : null;
        if (engineOomKilled && outcome != TrialOutcome.OomKilled)
        {
            var exit = seen.Exit is { } e ? e.Describe() : "a process of the container was OOM-killed; the main process is alive";
            return (TrialOutcome.OomKilled, Join("engine: OOMKilled=true", exit, why));
        }
        if (outcome == TrialOutcome.OomKilled && !engineOomKilled)
        {
            return (outcome, Join(evidence.Replace("oom_kill counter not available", why ?? "oom_kill counter not available", StringComparison.Ordinal),
                flag, "SIGKILL, cause unconfirmed (the engine's flag is racy)"));
        }
        return (outcome, Join(evidence.Replace("oom_kill counter not available", why ?? "oom_kill counter not available", StringComparison.Ordinal), flag));
    }

    private static string Join(params string?[] parts) => string.Join(", ", parts.Where(p => !string.IsNullOrEmpty(p)));
}
