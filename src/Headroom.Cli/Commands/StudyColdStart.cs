using Headroom.Experiments;
using Headroom.Runners.Local;
using Headroom.Specs;
using Headroom.Trials;
using Spectre.Console;

namespace Headroom.Cli.Commands;

/// <summary>
/// Before a new study's first trial: the local runner's discovery start finds the cold set (kept in the study folder
/// as cold-set.json, read again on resume) and the runtime, which picks the knob preset and the runtime-limit form
/// when the spec names none. Other runners have no discovery; the runtime is then as given.
/// </summary>
internal static class StudyColdStart
{
    /// <summary>
    /// Keeps the cold set in the folder; for a new study (no plan written yet) runs the discovery start and returns
    /// the plan with the detected runtime.
    /// </summary>
    public static async Task<StudyPlan> PrepareAsync(ITrialExecutor executor, StudyFolder folder, StudyPlan plan, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (executor is LocalTrialExecutor local)
        {
            local.ColdSet.KeepIn(Path.Combine(folder.Path, ColdSet.FileName));
        }
        if (File.Exists(Path.Combine(folder.Path, StudyFolder.PlanFile)))
        {
            return plan;
        }
        var spec = await DiscoverAsync(executor, plan.Spec, console, cancellationToken);
        return plan with { Spec = spec };
    }

    private static async Task<StudySpec> DiscoverAsync(ITrialExecutor executor, StudySpec spec, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (executor is not LocalTrialExecutor local)
        {
            console.MarkupLineInterpolated($"runtime: {spec.Runtime?.ToName() ?? "none"} (as given; detection needs the local runner)");
            return spec;
        }
        var progress = new Runners.InlineProgress<string>(line => console.MarkupLineInterpolated($"[grey]{line}[/]"));
        var detected = await local.DiscoverAsync(progress, cancellationToken);
        if (spec.Runtime is { } given)
        {
            var agrees = detected.Runtime == given ? "" : $"; detected {detected.Describe()}";
            console.MarkupLineInterpolated($"runtime: {given.ToName()} (given{agrees})");
            return spec;
        }
        console.MarkupLineInterpolated($"runtime: {detected.Describe()}");
        return detected.Runtime is { } runtime ? spec with { Runtime = runtime } : spec;
    }
}
