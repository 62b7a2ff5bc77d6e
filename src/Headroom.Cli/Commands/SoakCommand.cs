using System.CommandLine;
using System.Globalization;
using Headroom.Experiments;
using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Reports;
using Headroom.Reports.Html;
using Headroom.Runners;
using Headroom.Runners.Local;
using Headroom.Soak;
using Headroom.Targets;
using Headroom.Trials;

namespace Headroom.Cli.Commands;

/// <summary>
/// <c>headroom soak</c>: one long trial at a fixed arrival rate under one limit, and whether memory grows: Theil–Sen
/// trends of charged and anonymous memory and of the post-GC heap, the time to the limit, a chart.
/// </summary>
internal static class SoakCommand
{
    private static readonly Option<string> s_limit = new("--limit") { Description = "Memory limit (40Mi, 0.5Gi); none = unlimited (no time-to-limit). With --from: the study's recommended limit." };
    private static readonly Option<double?> s_rate = new("--rate") { Description = "Requests per second, at fixed arrival times (open model, latencies corrected for coordinated omission). Required." };
    private static readonly Option<string> s_duration = new("--duration") { Description = $"How long the load runs (10m, 1h30m, 90s; default {SoakOptions.DefaultDuration.TotalMinutes:0}m). The first {SoakOptions.WarmupShare:P0} is warm-up and not fitted.", DefaultValueFactory = _ => "10m" };
    private static readonly Option<string> s_knobs = new("--knobs") { Description = $"Knob set for the runtime, templated on the limit: {string.Join(", ", KnobPresets.All.Select(k => k.Name))} (default none; with --from the recommended runtime limit)." };
    private static readonly Option<string> s_load = new("--load") { Description = "hey's arguments for the load, in quotes (\"-c 50 URL\"); --rate and -z are added. With the bundled sample only the flags (default -c 10)." };
    private static readonly Option<string> s_ready = new("--ready") { Description = "Readiness URL that answers 2xx once the target takes load." };
    private static readonly Option<string> s_stats = new("--stats") { Description = "The runtime's stats URL (expvar /debug/vars or Prometheus /metrics): gives the post-GC heap trend." };
    private static readonly Option<string> s_from = new("--from") { Description = "A study folder: soak its target and load at its recommended limit and runtime limit." };
    private static readonly Option<string> s_out = new("--out") { Description = "Folder for trial.json, samples.jsonl and report.html (default ./headroom-results/soak-<time>)." };
    private static readonly Argument<string[]> s_command = new("command") { Description = "The target's command after '--'; none = the bundled sample (--target).", Arity = ArgumentArity.ZeroOrMore };

    public static Command Create()
    {
        return new Command("soak",
            "Run the target at a fixed request rate for a long time under one limit and tell whether its memory grows: " +
            "Theil-Sen trends of charged and anonymous memory (and the post-GC heap with --stats) in MiB/h with 95 % " +
            "intervals, and a verdict: stable, growing with the time to the limit, or how it died. Exit code 0 when stable.")
            .With([s_limit, s_rate, s_duration, s_knobs, s_load, s_ready, s_stats, s_from, s_out, SampleTargetOption.Target, s_command], RunAsync);
    }

    private static async Task<int> RunAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        var options = new SoakOptions
        {
            Rate = parsed.GetValue(s_rate) ?? throw new UserInputException("--rate is required: the requests per second to hold, e.g. --rate 500"),
            Duration = SoakOptions.ParseDuration(parsed.GetValue(s_duration)!, "--duration"),
        };
        options.Validate();
        var progress = new InlineProgress<string>(line => parsed.InvocationConfiguration.Error.WriteLine($"headroom: {line}"));
        var commandLine = parsed.GetValue(s_command) ?? [];
        ITargetDefinition target;
        ITrialLoad? load;
        MemoryQuantity? limit = null;
        var knobs = KnobSet.None;
        if (parsed.GetValue(s_from) is { } from)
        {
            if (commandLine.Length > 0 || parsed.GetValue(SampleTargetOption.Target) is not null)
            {
                throw new UserInputException("--from takes the target from the study; drop the command or --target");
            }
            var folder = StudyFolder.OpenExisting(from);
            var plan = folder.ReadPlan();
            var study = await new Study(null, folder).RunAsync(plan, null, cancellationToken);
            var setting = RecommendedSetting.From(Recommender.Recommend(study, new RecommendOptions { Margin = plan.Spec.Margin }), folder.Path);
            (limit, knobs) = (setting.Limit, setting.Knobs);
            var spec = plan.Spec with { Load = WithRate(parsed.GetValue(s_load) ?? plan.Spec.Load, options) };
            (target, load) = SpecTargets.ForLocalRunner(spec, Environment.CurrentDirectory, progress);
        }
        else
        {
            var sample = SampleTargetOption.Read(parsed, commandLine.Length > 0 ? "the command after '--'" : null);
            var flags = parsed.GetValue(s_load) ?? (commandLine.Length == 0 ? "-c 10"
                : throw new UserInputException("--load is required with a command: hey's arguments with the URL, e.g. --load \"-c 50 http://127.0.0.1:8080/\""));
            (target, load) = TrialTargets.FromCommandLine(sample, commandLine, parsed.GetValue(s_ready), parsed.GetValue(s_stats), [], WithRate(flags, options), progress);
        }
        if (parsed.GetValue(s_limit) is { } text)
        {
            limit = MemoryQuantity.Parse(text, "--limit");
        }
        if (parsed.GetValue(s_knobs) is { } knobName)
        {
            knobs = KnobPresets.Get(knobName);
        }
        var executor = new LocalTrialExecutor(target, load, new LocalRunnerOptions { LoadTimeout = options.Duration + TimeSpan.FromMinutes(2) });
        await executor.OpenAsync(cancellationToken);
        progress.Report(string.Create(CultureInfo.InvariantCulture, $"soak: {options.Rate:0.##} req/s for {options.Duration} under {limit?.ToKubernetes() ?? "no limit"}"));
        var result = await SoakRun.RunAsync(executor, new TrialRequest(limit, knobs) { Purpose = "soak" }, options, progress, cancellationToken);
        var output = parsed.GetValue(s_out) ?? Path.Combine("headroom-results", "soak-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        await SaveAsync(output, result, target.Describe(), cancellationToken);
        var stdout = parsed.InvocationConfiguration.Output;
        foreach (var line in SoakReport.Lines(result))
        {
            await stdout.WriteLineAsync(line);
        }
        await stdout.WriteLineAsync($"report: {Path.Combine(output, HtmlReportWriter.FileName)}");
        return result.Verdict.Kind is SoakVerdictKind.Stable or SoakVerdictKind.Unknown ? 0 : 1;
    }

    /// <summary>The soak's trial files and its HTML report with the chart.</summary>
    internal static async Task SaveAsync(string folder, SoakResult result, string target, CancellationToken cancellationToken)
    {
        await TrialFiles.SaveAsync(folder, result.Trial, cancellationToken);
        await HtmlReportWriter.WriteAsync(folder, SoakReport.Document(result, target), cancellationToken);
    }

    /// <summary>
    /// The load's flags with the soak's rate and duration in place of its own request count and pacing (-n, -q, -z,
    /// --rate: a study's load of "-c 1 -q 400 -n 160" becomes a fixed-rate run), the connections checked against the rate.
    /// </summary>
    internal static string WithRate(string flags, SoakOptions options)
    {
        var words = Load.HeyArguments.Split(flags);
        var kept = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            if (words[i] is "-n" or "-q" or "-z" or "--rate")
            {
                i++;
                continue;
            }
            kept.Add(words[i]);
        }
        var load = $"{Load.HeyArguments.Join(kept)} {options.LoadFlags()}";
        ConnectionRate.CheckFlags(load);
        return load;
    }
}
