using Headroom.Runners.Local;
using Headroom.Trials;

namespace Headroom.Runners;

/// <summary>What was seen of one run of the target, from which its outcome is decided.</summary>
public sealed record TrialObservation(
    ExitStatus? Exit,
    bool BecameReady,
    long? OomKillsBefore,
    long? OomKillsAfter,
    IReadOnlyList<string> OutputTail,
    string? ThrashingEvidence);

/// <summary>
/// Decides a run's outcome and the evidence for it: the kernel's <c>oom_kill</c> counter and the exit status for a
/// kernel kill, the runtime's own message for a runtime OOM, the pressure counters for thrashing.
/// </summary>
public static class OutcomeClassifier
{
    /// <summary>The messages runtimes print when they give up for lack of memory.</summary>
    private static readonly (string Pattern, string Runtime)[] s_runtimeOomMessages =
    [
        ("runtime: out of memory", "Go"),
        ("System.OutOfMemoryException", ".NET"),
        ("Out of memory.", ".NET"),
        ("java.lang.OutOfMemoryError", "JVM"),
        ("JavaScript heap out of memory", "Node"),
    ];

    public static (TrialOutcome Outcome, string Evidence) Classify(TrialObservation seen)
    {
        var killsRose = seen.OomKillsBefore is { } before && seen.OomKillsAfter is { } after && after > before;
        var counter = seen.OomKillsBefore is { } b && seen.OomKillsAfter is { } a ? $"oom_kill {b}->{a}" : null;
        if (seen.Exit is { } exit)
        {
            var runtimeOom = RuntimeOomLine(seen.OutputTail);
            if (killsRose || (exit.Signal == 9 && counter is null))
            {
                return (TrialOutcome.OomKilled, Join(counter ?? "oom_kill counter not available", exit.Describe()));
            }
            if (runtimeOom is { } line)
            {
                return (TrialOutcome.RuntimeOom, Join(exit.Describe(), $"{line.Runtime}: \"{line.Text}\"", counter is null ? null : $"{counter} (no kernel kill)"));
            }
            if (exit.Signal == 9)
            {
                return (TrialOutcome.Crashed, Join(exit.Describe(), $"{counter} (killed by someone other than the kernel's OOM killer)"));
            }
            var last = seen.OutputTail.LastOrDefault(l => !string.IsNullOrWhiteSpace(l));
            var phase = seen.BecameReady ? "" : " before it became ready";
            return (seen.BecameReady ? TrialOutcome.Crashed : TrialOutcome.StartFailed,
                Join(exit.Describe() + phase, last is null ? null : $"last output: \"{Shorten(last)}\""));
        }
        if (killsRose)
        {
            return (TrialOutcome.OomKilled, Join(counter, "a process of the target was OOM-killed; the main process is alive"));
        }
        if (seen.ThrashingEvidence is { } thrashing)
        {
            return (TrialOutcome.Thrashing, thrashing);
        }
        if (!seen.BecameReady)
        {
            return (TrialOutcome.StartFailed, "never became ready");
        }
        return (TrialOutcome.Survived, Join("alive after the load", counter is null ? null : $"{counter}"));
    }

    /// <summary>The runtime OOM message in the output, if any: which runtime and the line itself.</summary>
    public static (string Runtime, string Text)? RuntimeOomLine(IReadOnlyList<string> output)
    {
        foreach (var line in output.Reverse())
        {
            foreach (var (pattern, runtime) in s_runtimeOomMessages)
            {
                if (line.Contains(pattern, StringComparison.Ordinal))
                {
                    return (runtime, Shorten(line.Trim()));
                }
            }
        }
        return null;
    }

    private static string Shorten(string line) => line.Length > 160 ? line[..157] + "..." : line;

    private static string Join(params string?[] parts) => string.Join(", ", parts.Where(p => !string.IsNullOrEmpty(p)));
}
