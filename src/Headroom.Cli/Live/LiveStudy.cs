using Headroom.Experiments;
using Headroom.Load;
using Headroom.Memory;
using Headroom.Trials;
using Spectre.Console;

namespace Headroom.Cli.Live;

/// <summary>Runs a study under Spectre's live display, redrawn four times a second; when it ends, the last frame stays.</summary>
internal static class LiveStudy
{
    private static readonly TimeSpan s_redraw = TimeSpan.FromMilliseconds(250);

    /// <summary>The live view only on a terminal: a log, a pipe or CI gets plain lines, as does <c>--plain</c>.</summary>
    public static bool Wanted(TextWriter output, bool plain) =>
        !plain && output == Console.Out && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "" or "dumb");

    public static async Task<StudyResult> RunAsync(
        IAnsiConsole console, StudyPlan plan, ITrialExecutor executor, StudyFolder folder,
        Func<TrialResult, string, CancellationToken, Task>? saveSamples, CancellationToken cancellationToken)
    {
        var view = new LiveStudyView(PlannedRequests(plan.Spec.Load));
        using var observe = LiveSamples.Observe(view.OnSample);
        var study = new Study(new ObservedTrialExecutor(executor, view), folder) { SaveSamples = saveSamples };
        return await console.Live(view.Render()).AutoClear(false).StartAsync(async context =>
        {
            var run = study.RunAsync(plan, view, cancellationToken);
            using var timer = new PeriodicTimer(s_redraw);
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, timer.WaitForNextTickAsync(cancellationToken).AsTask());
                context.UpdateTarget(view.Render());
            }
            return await run;
        });
    }

    /// <summary>hey's <c>-n</c> of the load (the sample's flags or a command's with its URL); null with <c>-z</c>.</summary>
    internal static long? PlannedRequests(string load)
    {
        try
        {
            var flags = HeyArguments.Split(load);
            var hasUrl = flags.Any(f => f.StartsWith("http://", StringComparison.Ordinal) || f.StartsWith("https://", StringComparison.Ordinal));
            var options = HeyArguments.Parse(hasUrl ? flags : [.. flags, "http://127.0.0.1/"]);
            return options.Duration is null ? options.Requests : null;
        }
        catch (UserInputException)
        {
            return null;
        }
    }
}
