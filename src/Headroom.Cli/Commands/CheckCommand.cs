using System.CommandLine;
using Headroom.Checks;
using Headroom.Experiments;
using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Reports;
using Headroom.Runners;
using Headroom.Specs;

namespace Headroom.Cli.Commands;

/// <summary>
/// <c>headroom check</c>: a memory gate for CI. Confirming trials at a limit (given, or a study's recommendation),
/// and a regression check against a recorded study's edges; exit 0 when every case passes, 1 when one fails.
/// </summary>
internal static class CheckCommand
{
    private static readonly Option<string> s_limit = new("--limit") { Description = "The memory limit that must hold, as a Kubernetes quantity (40Mi)." };
    private static readonly Option<string[]> s_env = new("--env") { Description = "An environment variable for the target, K=V (repeatable; {limit} and {limit:hex} are templated on the limit, as in knob sets).", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string> s_knobs = new("--knobs") { Description = $"A knob preset for the target: {string.Join(", ", KnobPresets.All.Select(k => k.Name))} (default none)." };
    private static readonly Option<int> s_confirm = new("--confirm") { Description = "Consecutive trials each check must pass; one failure is final.", DefaultValueFactory = _ => EdgeSearchOptions.DefaultConfirm };
    private static readonly Option<bool> s_healthy = new("--healthy") { Description = $"Require health too: req/s within {EdgeSearchOptions.DefaultHealthy:P0} of an unlimited run made first and p99 within {EdgeSearchOptions.DefaultP99Factor}x of it." };
    private static readonly Option<string> s_from = new("--from") { Description = "A study folder: check its recommendation (limit and runtime env) on its own target and load." };
    private static readonly Option<string> s_spec = new("--file", "-f") { Description = "A study spec (headroom.yaml) naming the target and load." };
    private static readonly Option<string> s_load = new("--load") { Description = "hey's arguments for the load (for a command: with its URL)." };
    private static readonly Option<string> s_ready = new("--ready") { Description = "For a command: the readiness URL (2xx once it takes load)." };
    private static readonly Option<string> s_stats = new("--stats") { Description = "For a command: the runtime's stats URL (/debug/vars or /metrics)." };
    private static readonly Option<string> s_baseline = new("--baseline") { Description = "A recorded study's summary.json: fail when the survival edge (and with --healthy the healthy edge) grew by more than --tolerance since." };
    private static readonly Option<string> s_tolerance = new("--tolerance") { Description = "How much an edge may grow against --baseline.", DefaultValueFactory = _ => "10%" };
    private static readonly Option<string> s_junit = new("--junit") { Description = "Write the result as JUnit XML to this file (one test case per check)." };
    private static readonly Argument<string[]> s_command = new("command") { Description = "The target's command after '--'; none = -f, --from, or the bundled sample (--target).", Arity = ArgumentArity.ZeroOrMore };

    public static Command Create()
    {
        return new Command("check",
            "A memory gate for CI: start the target under --limit --confirm times (a cgroup of its own each, with the load) " +
            "and pass only when every trial survives (and is healthy with --healthy); with --baseline, also fail when " +
            "the edge grew beyond --tolerance since a recorded study. Exit 0 passed, 1 failed, 2 bad input. Writes " +
            "--junit XML, and a Markdown summary to $GITHUB_STEP_SUMMARY when set.")
            .With([s_limit, s_env, s_knobs, s_confirm, s_healthy, s_from, s_spec, s_load, s_ready, s_stats, s_baseline, s_tolerance, s_junit, SampleTargetOption.Target, s_command], RunAsync);
    }

    private static async Task<int> RunAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        var output = parsed.InvocationConfiguration.Output;
        var error = parsed.InvocationConfiguration.Error;
        var confirm = parsed.GetValue(s_confirm);
        if (confirm < 1)
        {
            throw new UserInputException($"--confirm {confirm} is not valid; use 1 or more");
        }
        var healthy = parsed.GetValue(s_healthy);
        var (spec, recommended) = await ReadTargetAsync(parsed, cancellationToken);
        var knobs = Knobs(parsed, recommended?.Knobs);
        var cases = new List<CheckCase>();
        var limit = parsed.GetValue(s_limit) is { } text ? MemoryQuantity.Parse(text, "--limit") : recommended?.Limit;
        if (limit is { } l)
        {
            cases.Add(new CheckCase($"{(healthy ? "healthy" : "survives")} at {l}", l, knobs, healthy));
        }
        if (parsed.GetValue(s_baseline) is { } baseline)
        {
            var tolerance = RecordedEdges.ParseTolerance(parsed.GetValue(s_tolerance)!);
            cases.AddRange(RecordedEdges.Read(baseline).Cases(tolerance, healthy, knobs));
        }
        if (cases.Count == 0)
        {
            throw new UserInputException("nothing to check: give --limit, --from a study folder, or --baseline summary.json");
        }
        var junit = parsed.GetValue(s_junit);
        var executor = TrialExecutors.Factory.Create(spec);
        await using var restore = executor as IAsyncDisposable;
        var progress = new InlineProgress<string>(line => error.WriteLine($"headroom: {line}"));
        var result = await new MemoryCheck(executor, confirm, spec.Healthy).RunAsync(cases, progress, cancellationToken);

        foreach (var c in result.Cases)
        {
            await output.WriteLineAsync($"{(c.Passed ? "PASS" : "FAIL")}  {c.Case.Name}{(c.Case.Knobs.Environment.Count > 0 ? $", {c.Case.Knobs.Describe()}" : "")}");
            foreach (var trial in c.Trials)
            {
                await output.WriteLineAsync($"      {CheckText.TrialLine(trial)}");
            }
            if (c.Failure is { } failure)
            {
                await output.WriteLineAsync($"      {failure}");
            }
        }
        await output.WriteLineAsync(result.Passed ? "headroom check passed" : "headroom check failed");
        if (junit is not null)
        {
            await CheckJUnit.WriteAsync(junit, result, DateTimeOffset.UtcNow, cancellationToken);
        }
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
        {
            await File.AppendAllTextAsync(summary, CheckText.Markdown(result), cancellationToken);
        }
        return result.Passed ? 0 : 1;
    }

    /// <summary>What is run: --from's study, -f's spec, the command after '--', or the bundled sample.</summary>
    private static async Task<(StudySpec Spec, Recommended? Recommended)> ReadTargetAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        var command = parsed.GetValue(s_command) ?? [];
        var from = parsed.GetValue(s_from);
        var file = parsed.GetValue(s_spec);
        var given = new[] { from is null ? null : "--from", file is null ? null : "-f", command.Length == 0 ? null : "the command after '--'" }.OfType<string>().ToList();
        if (given.Count > 1)
        {
            throw new UserInputException($"{string.Join(" and ", given)} both name the target; give one of them");
        }
        var sample = SampleTargetOption.Read(parsed, given.FirstOrDefault());
        Recommended? recommended = null;
        StudySpec spec;
        if (from is not null)
        {
            (spec, recommended) = await RecommendedAsync(from, cancellationToken);
        }
        else if (file is not null)
        {
            spec = StudySpecReader.ReadFile(file);
        }
        else if (command.Length > 0)
        {
            spec = new StudySpec
            {
                Name = Path.GetFileName(command[0]),
                Target = new TargetSpec { Command = command[0], Args = command[1..], ReadyUrl = parsed.GetValue(s_ready), StatsUrl = parsed.GetValue(s_stats) },
                Load = parsed.GetValue(s_load) ?? throw new UserInputException("a command needs --load: hey's arguments with the URL to load, e.g. --load \"-c 10 -n 1000 http://127.0.0.1:3000/\""),
            };
        }
        else
        {
            var name = sample ?? Targets.BundledSamples.SalesApi;
            spec = new StudySpec { Name = Targets.BundledSamples.StudyName(name), Runtime = Targets.BundledSamples.RuntimeOf(name), Target = new TargetSpec { Sample = name } };
        }
        if (parsed.GetValue(s_load) is { } load)
        {
            spec = spec with { Load = load };
        }
        if (command.Length == 0 && (parsed.GetValue(s_ready) is not null || parsed.GetValue(s_stats) is not null))
        {
            throw new UserInputException("--ready and --stats go with a command after '--'; a spec or study names its own URLs");
        }
        return (spec, recommended);
    }

    private sealed record Recommended(MemoryQuantity Limit, KnobSet Knobs);

    /// <summary>The study's recommended limit and the container's env as it would be deployed (a resourceFieldRef is the limit in bytes).</summary>
    private static async Task<(StudySpec, Recommended)> RecommendedAsync(string path, CancellationToken cancellationToken)
    {
        var folder = StudyFolder.OpenExisting(path);
        var plan = folder.ReadPlan();
        var study = await new Experiments.Study(null, folder).RunAsync(plan, null, cancellationToken);
        var recommendation = StudyReport.From(study, new RecommendOptions { Margin = plan.Spec.Margin }).Recommendation;
        if (recommendation?.Limit is not { } limit)
        {
            throw new UserInputException($"the study in {folder.Path} has no recommendation to check ({recommendation?.Unavailable ?? "no edge search"}); give --limit");
        }
        var env = (recommendation.Container?.Env ?? []).ToDictionary(
            e => e.Name,
            e => e.ValueFrom?.ResourceFieldRef is not null ? "{limit}" : e.Value ?? "",
            StringComparer.Ordinal);
        return (plan.Spec, new Recommended(limit, new KnobSet("recommended", env)));
    }

    private static KnobSet Knobs(ParseResult parsed, KnobSet? recommended)
    {
        var knobs = parsed.GetValue(s_knobs) is { } name ? KnobPresets.Get(name) : recommended ?? KnobSet.None;
        var pairs = parsed.GetValue(s_env) ?? [];
        if (pairs.Length == 0)
        {
            return knobs;
        }
        var env = new Dictionary<string, string>(knobs.Environment, StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals < 1)
            {
                throw new UserInputException($"--env '{pair}' is not K=V; e.g. --env GOMEMLIMIT=30MiB");
            }
            env[pair[..equals]] = pair[(equals + 1)..];
        }
        return new KnobSet(knobs.Name == "none" ? "env" : knobs.Name, env);
    }
}
