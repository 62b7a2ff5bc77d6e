using System.CommandLine;
using System.Globalization;
using Headroom.Experiments;
using Headroom.Cli.Live;
using Headroom.Reports;
using Spectre.Console;

namespace Headroom.Cli.Commands;

/// <summary>
/// <c>edge</c>, <c>matrix</c>, <c>floor</c> and <c>study</c>: each is a study with some of the phases, persisted trial
/// by trial in its folder and resumable; they differ only in the phases they run.
/// </summary>
internal static class ExperimentCommands
{
    public static Command Edge() => Create("edge",
        "Find the least memory the target needs under its load: the survival edge (every confirming trial survives) and " +
        "the healthy edge (throughput and p99 near the unlimited baseline), by a predicted start, bracketing and bisection.",
        _ => [StudyPhases.Baseline, StudyPhases.Edge], matrix: false, floor: false);

    public static Command Matrix() => Create("matrix",
        "Tabulate limits x knob sets x repeats, interleaved (the article's Listing 10): median req/s, latency, GCs, " +
        "spread and OOMs per cell, and knob/none per limit with a 95 % bootstrap interval.",
        spec => spec.Limits.Count > 0 ? [StudyPhases.Baseline, StudyPhases.Matrix] : [StudyPhases.Baseline, StudyPhases.Edge, StudyPhases.Matrix],
        matrix: true, floor: false);

    public static Command Floor() => Create("floor",
        "Find the lowest limit at which a knob set keeps the target alive (the article's Listing 11), and its req/s and " +
        "latency there against the edge without knobs.",
        _ => [StudyPhases.Baseline, StudyPhases.Edge, StudyPhases.Floor], matrix: false, floor: true);

    public static Command Study() => Create("study",
        "Everything in order: baseline, edge, matrix, floor, then the recommendation, run before it is printed (its exact " +
        "setting cold --confirm times and a --sustain run; --no-verify skips it), with progress and an ETA. Every trial is " +
        "appended to results.jsonl in the study folder at once; --resume continues an interrupted study.",
        _ => StudyPhases.All, matrix: true, floor: true);

    private static Command Create(string name, string description, Func<Specs.StudySpec, IReadOnlyList<string>> phases, bool matrix, bool floor)
    {
        var options = new StudyCommandOptions();
        var command = new Command(name, description);
        options.AddTo(command, matrix, floor);
        if (name == "study")
        {
            command.Options.Add(StudySoakStep.Soak);
            command.Options.Add(StudyCurveStep.PeakConcurrency);
            command.Options.Add(StudyCurveStep.Concurrency);
            foreach (var option in StudyVerifyStep.ForStudy)
            {
                command.Options.Add(option);
            }
        }
        command.SetAction((parsed, ct) => RunAsync(parsed, options, phases, name == "study", ct));
        return command;
    }

    private static async Task<int> RunAsync(
        ParseResult parsed, StudyCommandOptions options, Func<Specs.StudySpec, IReadOnlyList<string>> phases, bool recommend, CancellationToken ct)
    {
        StudyFolder folder;
        StudyPlan plan;
        string? created = null;
        if (parsed.GetValue(options.Resume) is { } resume)
        {
            folder = StudyFolder.OpenExisting(resume);
            plan = folder.ReadPlan();
        }
        else
        {
            var spec = options.ReadSpec(parsed);
            plan = new StudyPlan(spec.Name, spec, phases(spec));
            var path = parsed.GetValue(options.Out)
                ?? Path.Combine("headroom-results", $"{StudyFolder.SafeName(spec.Name)}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
            created = Directory.Exists(path) ? null : path;
            folder = StudyFolder.Open(path);
        }
        // Held from here to the last report, so that a second run on this folder is refused at once.
        using var held = folder.Lock();
        try
        {
            return await RunAsync(parsed, folder, plan, recommend, parsed.GetValue(options.Plain), ct);
        }
        catch (UserInputException) when (created is not null && folder.Records.Count == 0)
        {
            // Rejected before any trial ran (a target that cannot start, a runner refusing the spec): leave no empty
            // study folder behind.
            held?.Dispose();
            StudyFolder.RemoveUnused(created);
            throw;
        }
    }

    private static async Task<int> RunAsync(ParseResult parsed, StudyFolder folder, StudyPlan plan, bool recommend, bool plain, CancellationToken ct)
    {
        var soak = recommend ? StudySoakStep.Read(parsed) : null;
        var curve = recommend ? StudyCurveStep.Read(parsed, plan.Spec) : null;
        var verify = recommend && !parsed.GetValue(StudyVerifyStep.NoVerify) ? StudyVerifyStep.Read(parsed, plan.Spec.Confirm) : null;
        var factory = ContainerRunnerOptions.IsDocker(parsed) ? ContainerRunnerOptions.Factory(parsed, new Runners.Local.LocalRunnerOptions())
            : KubernetesRunnerOptions.IsKubernetes(parsed) ? KubernetesRunnerOptions.Factory(parsed)
            : TrialExecutors.Factory;
        var executor = factory.Create(plan.Spec);
        // The Kubernetes runner restores the Deployment when disposed: at the end, on Ctrl+C and on errors.
        await using var restore = executor as IAsyncDisposable;
        var output = parsed.InvocationConfiguration.Output;
        var console = ConsoleFor(output);
        console.MarkupLineInterpolated($"study folder: {folder.Path}");
        plan = await StudyColdStart.PrepareAsync(executor, folder, plan, console, ct);
        var result = LiveStudy.Wanted(output, plain) && executor is not Trials.IConcurrentTrialExecutor
            ? await LiveStudy.RunAsync(console, plan, executor, folder, factory.SaveSamples, ct)
            : await new Experiments.Study(executor, folder) { SaveSamples = factory.SaveSamples }.RunAsync(plan, new ProgressLines(console), ct);
        var studyDone = System.Diagnostics.Stopwatch.GetTimestamp();
        // The curve runs before the reports: with a peak, the recommendation in every report comes from it.
        var atPeak = curve is null ? null : await StudyCurveStep.RunAsync(curve, factory, result, folder, console, ct);
        var recommendOptions = new RecommendOptions { Margin = plan.Spec.Margin, AtPeak = atPeak };
        // The recommendation is run before it is printed: its setting, cold, with the study's load, then sustained.
        var report = !recommend ? new StudyReport(result, null)
            : verify is not null && await StudyVerifyStep.VerifyOrReuseAsync(factory, folder, result, recommendOptions, verify, console, ct) is { } verified
                ? new StudyReport(result, verified)
                : StudyReport.From(result, recommendOptions);
        await StudyReportWriter.WriteAsync(folder, report, ct);
        var steps = string.Join(" and ", new[] { curve is null ? null : "curve", verify is null ? null : "verification" }.OfType<string>());
        StudyTables.Render(console, report, recommend, steps.Length == 0 ? null : (steps, System.Diagnostics.Stopwatch.GetElapsedTime(studyDone)));
        console.MarkupLineInterpolated($"reports: {Path.Combine(folder.Path, MarkdownReport.FileName)}, {Path.Combine(folder.Path, Reports.Html.HtmlReportWriter.FileName)}, {Path.Combine(folder.Path, SummaryJson.FileName)}");
        if (soak is { } duration)
        {
            await StudySoakStep.RunAsync(duration, factory, plan.Spec, report, folder, console, ct);
        }
        return 0;
    }

    internal static IAnsiConsole ConsoleFor(TextWriter output)
    {
        var terminal = output == Console.Out && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.Detect,
        });
        if (!terminal)
        {
            // Piped into a file or a log, tables keep their rows on one line instead of wrapping at 80 columns.
            console.Profile.Width = RedirectedWidth;
        }
        return console;
    }

    private const int RedirectedWidth = 200;

    /// <summary>One line per finished trial: phase, trial n of ~N, outcome and the ETA (a log survives a crash, a bar does not).</summary>
    private sealed class ProgressLines(IAnsiConsole console) : IProgress<StudyProgress>
    {
        public void Report(StudyProgress value)
        {
            var eta = value.Eta is { } e ? $", ETA {e:hh\\:mm\\:ss}" : "";
            var replayed = value.Replayed ? " (replayed)" : "";
            console.MarkupLineInterpolated($"[grey]{value.Phase} trial {value.Trial} of ~{value.EstimatedTotal}: {value.Description}{replayed}{eta}[/]");
        }
    }
}
