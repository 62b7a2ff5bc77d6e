using System.CommandLine;
using Headroom.Experiments;
using Headroom.Limits;
using Headroom.Reports;
using Headroom.Specs;
using Headroom.Targets;
using Headroom.Verification;
using Spectre.Console;

namespace Headroom.Cli.Commands;

/// <summary>
/// <c>headroom verify</c>: runs a setting as a container would get it, cold, <c>--confirm</c> times with the load,
/// then one sustained run, and says whether it survived healthy. <c>--from DIR</c> verifies a study's recommendation
/// again (stepping the limit up when it fails) and rewrites its reports; <c>--limit … --env … -- command</c>
/// verifies any setting against an unlimited baseline run first.
/// </summary>
internal static class VerifyCommand
{
    private static readonly Option<string> s_from = new("--from") { Description = "A study folder: verify its recommendation again (the study's target, load and health bar) and rewrite its reports." };
    private static readonly Option<string> s_limit = new("--limit") { Description = "The memory limit to verify (40Mi, 0.5Gi); with a command or --target." };
    private static readonly Option<string[]> s_env = new("--env") { Description = "The setting's environment, NAME=VALUE, as the container would get it (e.g. DOTNET_GCHeapHardLimit=d0b800); repeatable.", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<int?> s_confirm = new("--confirm") { Description = $"Cold starts, each of which must survive healthy (default: the study's, else {EdgeSearchOptions.DefaultConfirm})." };
    private static readonly Option<string> s_load = new("--load") { Description = $"hey's arguments for the load, in quotes (default {StudySpec.DefaultLoad}; with a command give the URL too)." };
    private static readonly Option<double?> s_healthy = new("--healthy") { Description = $"Healthy keeps this fraction of the unlimited baseline's req/s, and p99 within {EdgeSearchOptions.DefaultP99Factor}x (default {EdgeSearchOptions.DefaultHealthy})." };

    public static Command Create()
    {
        var target = new TargetCommandLine();
        var command = new Command("verify",
            "Run a setting before deploying it: the memory limit and environment exactly as the container gets them, cold, " +
            "--confirm times with the load (each must survive with throughput and p99 near the unlimited baseline's), then " +
            "one sustained run at a fixed rate (--sustain, default 30s at the baseline's req/s). With --from a study folder: " +
            "its recommendation, stepped up when it fails, and its reports rewritten. Exit code 0 when verified, 1 when not.");
        foreach (var option in new Option[] { s_from, s_limit, s_env, s_confirm, s_load, s_healthy, SampleTargetOption.Target, LoadTimeoutOption.Option }.Concat(StudyVerifyStep.All))
        {
            command.Options.Add(option);
        }
        target.AddTo(command);
        command.SetAction((parsed, ct) => RunAsync(parsed, target, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parsed, TargetCommandLine target, CancellationToken ct)
    {
        var console = ExperimentCommands.ConsoleFor(parsed.InvocationConfiguration.Output);
        var factory = LoadTimeoutOption.Read(parsed) is { } bound ? new BoundedLoads(TrialExecutors.Factory, bound) : TrialExecutors.Factory;
        if (parsed.GetValue(s_from) is { } from)
        {
            if (target.CommandLine(parsed).Count > 0 || parsed.GetValue(SampleTargetOption.Target) is not null || parsed.GetValue(s_limit) is not null || parsed.GetValue(s_env) is { Length: > 0 })
            {
                throw new UserInputException("--from verifies the study's own recommendation with its own target; drop the command, --target, --limit and --env");
            }
            var folder = StudyFolder.OpenExisting(from);
            var plan = folder.ReadPlan();
            var options = StudyVerifyStep.Read(parsed, parsed.GetValue(s_confirm) ?? plan.Spec.Confirm);
            using var held = folder.Lock();
            var study = await new Experiments.Study(null, folder).RunAsync(plan, null, ct);
            var recommendOptions = new RecommendOptions { Margin = plan.Spec.Margin };
            var fresh = await StudyVerifyStep.BaselineAsync(factory, plan.Spec, console, ct);
            var recommendation = await StudyVerifyStep.VerifyStudyAsync(factory, study, recommendOptions, options, console, ct, fresh.Load)
                ?? throw new UserInputException($"the study in {folder.Path} recommends no limit; there is no setting to verify");
            if (recommendation.Verification is { } verified)
            {
                StoredVerification.Write(folder, study, verified);
            }
            await StudyReportWriter.WriteAsync(folder, new StudyReport(study, recommendation), ct);
            StudyTables.Recommendation(console, recommendation);
            return recommendation.Verification?.Verified is null ? 1 : 0;
        }
        var limit = parsed.GetValue(s_limit) is { } text ? MemoryQuantity.Parse(text, "--limit")
            : throw new UserInputException("--limit is required (or --from a study folder): the memory limit to verify, e.g. --limit 40Mi");
        var environment = TargetCommandLine.ParseEnv(parsed.GetValue(s_env) ?? []);
        var spec = Spec(parsed, target);
        var verify = StudyVerifyStep.Read(parsed, parsed.GetValue(s_confirm) ?? EdgeSearchOptions.DefaultConfirm) with
        {
            MaxSteps = parsed.GetValue(StudyVerifyStep.Steps) ?? 0,
        };
        spec.EdgeOptions().Validate();
        // The health bar needs the unlimited figures: one baseline run first, checked as a study's is.
        var baseline = await StudyVerifyStep.BaselineAsync(factory, spec, console, ct);
        var verification = await StudyVerifyStep.RunAsync(factory, spec, baseline.Load!, verify,
            (l, _) => new VerifiedSetting(l, environment, null), limit, console, ct);
        foreach (var line in verification.Lines())
        {
            console.WriteLine(line);
        }
        return verification.Verified is null ? 1 : 0;
    }

    private static StudySpec Spec(ParseResult parsed, TargetCommandLine target)
    {
        var command = target.CommandLine(parsed);
        var sample = SampleTargetOption.Read(parsed, command.Count > 0 ? "the command after '--'" : null) ?? BundledSamples.SalesApi;
        var spec = command.Count > 0 ? new StudySpec()
            : new StudySpec { Name = BundledSamples.StudyName(sample), Runtime = BundledSamples.RuntimeOf(sample), Target = new TargetSpec { Sample = sample } };
        spec = target.Apply(parsed, spec);
        if (parsed.GetValue(s_load) is { } load)
        {
            spec = spec with { Load = load };
        }
        else if (command.Count > 0)
        {
            throw new UserInputException("--load is required with a command: hey's arguments with the URL, e.g. --load \"-c 10 -n 1000 http://127.0.0.1:8080/\"");
        }
        if (parsed.GetValue(s_healthy) is { } healthy)
        {
            spec = spec with { Healthy = healthy };
        }
        return spec;
    }

    /// <summary>Every trial's load bounded by <c>--load-timeout</c> (the sustained run keeps its own, longer bound).</summary>
    private sealed class BoundedLoads(ITrialExecutorFactory inner, TimeSpan bound) : ITrialExecutorFactory
    {
        public Trials.ITrialExecutor Create(StudySpec spec) => inner.Create(spec with { LoadTimeout = spec.LoadTimeout ?? bound });

        public Func<Trials.TrialResult, string, CancellationToken, Task>? SaveSamples => inner.SaveSamples;
    }
}
