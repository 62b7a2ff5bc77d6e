using System.CommandLine;
using Headroom.Experiments;
using Headroom.Limits;
using Headroom.Soak;
using Headroom.Specs;
using Headroom.Trials;
using Headroom.Verification;
using Spectre.Console;

namespace Headroom.Cli.Commands;

/// <summary>
/// The study's last step, and <c>headroom verify</c>'s work: the recommended setting run before it is printed, with
/// the study's target and load (see <see cref="RecommendationVerifier"/>).
/// </summary>
internal static class StudyVerifyStep
{
    public static readonly Option<string> Sustain = new("--sustain") { Description = $"Verification: after the cold starts, one run of this long at a fixed rate (default {VerifyOptions.DefaultSustain.TotalSeconds:0}s; 0s: none).", DefaultValueFactory = _ => "30s" };
    public static readonly Option<double?> Rate = new("--rate") { Description = "Verification: the sustained run's requests per second (default: the unlimited baseline's)." };
    public static readonly Option<int?> Steps = new("--verify-steps") { Description = $"Verification: how many times a failed setting steps its limit up (10 %, at least the resolution) and is verified again (default {VerifyOptions.DefaultMaxSteps}; 0: report the failure)." };
    public static readonly Option<bool> NoVerify = new("--no-verify") { Description = "Print the recommendation without running it first." };

    public static IEnumerable<Option> All => [Sustain, Rate, Steps];

    public static IEnumerable<Option> ForStudy => [.. All, NoVerify];

    /// <summary>The options given, checked before anything runs; <paramref name="confirm"/> is the study's.</summary>
    public static VerifyOptions Read(ParseResult parsed, int confirm)
    {
        var options = new VerifyOptions
        {
            Confirm = confirm,
            Sustain = SoakOptions.ParseDuration(parsed.GetValue(Sustain) ?? "30s", "--sustain"),
            Rate = parsed.GetValue(Rate),
            MaxSteps = parsed.GetValue(Steps) ?? VerifyOptions.DefaultMaxSteps,
        };
        options.Validate();
        return options;
    }

    /// <summary>
    /// One unlimited run now, checked as a study's baseline is: what a verification later than its study is judged
    /// against (on a shared machine, a baseline recorded minutes earlier can be several times faster).
    /// </summary>
    public static async Task<TrialResult> BaselineAsync(ITrialExecutorFactory factory, StudySpec spec, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var executor = factory.Create(spec);
        await using var restore = executor as IAsyncDisposable;
        console.MarkupLine("[grey]baseline: one unlimited run with the load, to judge health against[/]");
        var baseline = BaselineRuns.Combine(await BaselineRuns.RunAsync(LoadValidity.CheckingBaseline(executor), 1, cancellationToken));
        if (LoadValidity.BaselineProblem(baseline) is { } problem)
        {
            throw new UserInputException(problem);
        }
        console.MarkupLineInterpolated($"baseline (no limit): {Reports.ReportFormat.Rps(baseline.Load!.RequestsPerSecond)} req/s, p99 {Reports.ReportFormat.Ms(baseline.Load.P99Latency)}, peak charged {Reports.ReportFormat.Mi(baseline.Memory.PeakChargedBytes)}");
        return baseline;
    }

    /// <summary>Verifies <paramref name="first"/> (then the steps up <paramref name="settingAt"/> gives) against <paramref name="baseline"/>.</summary>
    public static async Task<VerificationResult> RunAsync(
        ITrialExecutorFactory factory, StudySpec spec, TrialLoadSummary baseline, VerifyOptions options,
        Func<MemoryQuantity, bool, VerifiedSetting> settingAt, MemoryQuantity first, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var edge = spec.EdgeOptions();
        var health = new HealthCriteria(baseline, edge.Healthy, edge.P99Factor);
        var trials = factory.Create(spec);
        await using var restoreTrials = trials as IAsyncDisposable;
        ITrialExecutor? sustained = null;
        if (options.Sustain > TimeSpan.Zero)
        {
            var rate = options.SustainedRate(baseline);
            // Its own bound: the trials' bound comes from the baseline's short load, and this run is meant to be long.
            sustained = factory.Create(spec with
            {
                Load = SoakCommand.WithRate(spec.Load, new SoakOptions { Rate = rate, Duration = options.Sustain }),
                LoadTimeout = options.Sustain + TimeSpan.FromMinutes(1),
            });
        }
        await using var restoreSustained = sustained as IAsyncDisposable;
        var progress = new Runners.InlineProgress<string>(line => console.MarkupLineInterpolated($"[grey]{line}[/]"));
        var verification = await new RecommendationVerifier(trials, sustained, health, options)
            .RunAsync(settingAt, first, edge.Resolution, progress, cancellationToken);
        return verification;
    }

    /// <summary>
    /// A study's recommendation, verified and kept in <see cref="StoredVerification.FileName"/>; a finished study's
    /// own verification (a resume that ran no trial) is reused instead of run again.
    /// </summary>
    public static async Task<Recommendation?> VerifyOrReuseAsync(
        ITrialExecutorFactory factory, StudyFolder folder, StudyResult study, RecommendOptions recommend, VerifyOptions options, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (Stored(folder, study, recommend, console) is { } stored)
        {
            console.MarkupLineInterpolated($"[grey]verification: reused from {StoredVerification.FileName} (the study's trials and recommended setting are unchanged)[/]");
            return Recommender.Recommend(study, recommend, stored);
        }
        var recommendation = await VerifyStudyAsync(factory, study, recommend, options, console, cancellationToken);
        if (recommendation?.Verification is { } verification)
        {
            StoredVerification.Write(folder, study, verification);
        }
        return recommendation;
    }

    /// <summary>The folder's verification when it still applies to <paramref name="study"/>'s recommendation; null otherwise (and a grey line why, when one was there).</summary>
    public static VerificationResult? Stored(StudyFolder folder, StudyResult study, RecommendOptions recommend, IAnsiConsole console)
    {
        var recommended = Recommender.Recommend(study, recommend).Limit is { } limit ? Recommender.SettingAt(study, limit, true) : null;
        var stored = StoredVerification.Matching(folder, study, recommended, out var stale);
        if (stale is not null)
        {
            console.MarkupLineInterpolated($"[grey]verification: {stale}; not used[/]");
        }
        return stored;
    }

    /// <summary>
    /// A study's recommendation, verified: the recommendation rebuilt at the setting that passed. Health is judged
    /// against <paramref name="baseline"/> (default: the study's own).
    /// </summary>
    public static async Task<Recommendation?> VerifyStudyAsync(
        ITrialExecutorFactory factory, StudyResult study, RecommendOptions recommend, VerifyOptions options, IAnsiConsole console, CancellationToken cancellationToken,
        TrialLoadSummary? baseline = null)
    {
        var recommendation = Recommender.Recommend(study, recommend);
        baseline ??= study.Baseline.Load;
        if (recommendation.Limit is not { } limit || baseline is null)
        {
            return null;
        }
        console.MarkupLineInterpolated($"[bold]Verification[/] of the recommendation: {options.Confirm} cold start{(options.Confirm == 1 ? "" : "s")} at {Recommender.SettingAt(study, limit, true).Describe()}{(options.Sustain > TimeSpan.Zero ? $", then a {options.Sustain.TotalSeconds:0}-s run" : "")}");
        var verification = await RunAsync(factory, study.Plan.Spec, baseline, options,
            (l, withRuntime) => Recommender.SettingAt(study, l, withRuntime), limit, console, cancellationToken);
        return Recommender.Recommend(study, recommend, verification);
    }
}
