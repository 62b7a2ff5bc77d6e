using System.Globalization;
using Headroom.Experiments;
using Headroom.Limits;
using Headroom.Soak;
using Headroom.Trials;

namespace Headroom.Verification;

/// <summary>
/// Runs a setting before it is recommended: <see cref="VerifyOptions.Confirm"/> cold starts with the study's load,
/// each of which must survive healthy against the baseline, then one sustained run at a fixed rate that must survive
/// and keep the rate. When it fails, the limit steps up (at most <see cref="VerifyOptions.MaxSteps"/> times); when it
/// failed with a runtime limit in a way the runtime limit can cause (the runtime's own OOM, slow, errors, a crash:
/// anything but a kernel OOM kill), the same limit is run once without it, and if that passes the runtime limit is
/// dropped with the reason.
/// <c>sustained</c> is the executor whose load is the fixed-rate load (null: no sustained run); <c>settingAt</c> gives
/// the setting at a limit, with or without the runtime limit, exactly as the snippet would set it.
/// </summary>
public sealed class RecommendationVerifier(ITrialExecutor trials, ITrialExecutor? sustained, HealthCriteria health, VerifyOptions options)
{
    public async Task<VerificationResult> RunAsync(
        Func<MemoryQuantity, bool, VerifiedSetting> settingAt, MemoryQuantity limit, MemoryQuantity resolution,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        options.Validate();
        var attempts = new List<VerificationAttempt>();
        string? dropped = null;
        var withRuntimeLimit = true;
        var current = limit;
        for (var step = 0; ; step++)
        {
            var setting = settingAt(current, withRuntimeLimit);
            var attempt = await RunAsync(setting, progress, cancellationToken);
            attempts.Add(attempt);
            if (attempt.Passed)
            {
                break;
            }
            if (withRuntimeLimit && setting.RuntimeLimit is { } runtime && RuntimeLimitCanCause(attempt))
            {
                var bare = await RunAsync(settingAt(current, false), progress, cancellationToken);
                attempts.Add(bare);
                if (bare.Passed)
                {
                    dropped = $"with {runtime.Variable}={setting.Environment.GetValueOrDefault(runtime.Variable)} at {current} it failed ({attempt.Failure}); without it the same limit passed";
                    break;
                }
            }
            if (step >= options.MaxSteps)
            {
                break;
            }
            current = StepUp(current, resolution);
            progress?.Report($"verification failed at {setting.Limit}; stepping up to {current}");
        }
        return new VerificationResult(attempts, dropped);
    }

    /// <summary>10 % of the limit, at least <paramref name="resolution"/>, rounded up to whole MiB.</summary>
    public static MemoryQuantity StepUp(MemoryQuantity limit, MemoryQuantity resolution)
    {
        var step = Math.Max(resolution.Bytes, (long)Math.Ceiling(limit.Bytes * VerifyOptions.StepShare));
        var bytes = limit.Bytes + step;
        return new MemoryQuantity((bytes + MemoryQuantity.Mebibyte - 1) / MemoryQuantity.Mebibyte * MemoryQuantity.Mebibyte);
    }

    private async Task<VerificationAttempt> RunAsync(VerifiedSetting setting, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var verified = new List<VerifiedTrial>();
        for (var i = 0; i < options.Confirm; i++)
        {
            progress?.Report($"verify {setting.Describe()}: cold start {i + 1} of {options.Confirm}");
            var result = await trials.RunAsync(new TrialRequest(setting.Limit, setting.Knobs) { Purpose = $"verify {i + 1}" }, progress, cancellationToken);
            var trial = Judge(result);
            verified.Add(trial);
            if (!trial.Healthy)
            {
                // One failure is final, as in the edge search's confirmations.
                return new VerificationAttempt(setting, verified, null, null, $"cold start {i + 1}: {trial.Judgement}");
            }
        }
        if (sustained is null || options.Sustain <= TimeSpan.Zero)
        {
            return new VerificationAttempt(setting, verified, null, null, null);
        }
        var rate = options.SustainedRate(health.Baseline);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"verify {setting.Describe()}: {options.Sustain.TotalSeconds:0}-s run at {rate:#,0} req/s"));
        var soak = await SoakRun.RunAsync(sustained, new TrialRequest(setting.Limit, setting.Knobs) { Purpose = "verify sustained" },
            new SoakOptions { Rate = rate, Duration = options.Sustain }, progress, cancellationToken);
        var failure = SustainedFailure(soak, rate, health, options.Sustain);
        return new VerificationAttempt(setting, verified, soak, rate, failure);
    }

    /// <summary>
    /// Why a sustained run fails verification (null: it passed): it died, it served less than the healthy share of its
    /// rate, or its memory grew so fast that even the slowest growth in its trend's 95 % interval reaches the limit
    /// within <see cref="VerifyOptions.ProjectionFactor"/> times the run.
    /// </summary>
    public static string? SustainedFailure(SoakResult soak, double rate, HealthCriteria health, TimeSpan sustain) =>
        !soak.Trial.Survived
            ? $"the sustained run ended {soak.Trial.Outcome.ToKebab()} ({soak.Trial.Evidence})"
            : soak.Trial.Load is { } load && load.RequestsPerSecond < rate * health.ThroughputFraction
                ? string.Create(CultureInfo.InvariantCulture, $"the sustained run served {load.RequestsPerSecond:#,0} of {rate:#,0} req/s (below {health.ThroughputFraction:P0})")
                : soak.Verdict is { Kind: SoakVerdictKind.Growing, LatestTimeToLimit: { } latest } && latest <= sustain * VerifyOptions.ProjectionFactor
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"even the slowest growth in its 95 % interval reaches the limit within {SoakAnalysis.About(latest.TotalSeconds)}, under {VerifyOptions.ProjectionFactor:0} times the {sustain.TotalSeconds:0}-s run")
                    : null;

    private VerifiedTrial Judge(TrialResult result)
    {
        if (!result.Survived)
        {
            return new VerifiedTrial(result, false, $"{result.Outcome.ToKebab()}: {result.Evidence}");
        }
        var load = result.Load!;
        var figures = string.Create(CultureInfo.InvariantCulture,
            $"{load.RequestsPerSecond:#,0} req/s, p99 {load.P99Latency.TotalMilliseconds:#,0.0} ms against the bar of {health.MinRequestsPerSecond:#,0} req/s, p99 {health.MaxP99.TotalMilliseconds:#,0.0} ms");
        if (health.IsHealthy(result))
        {
            return new VerifiedTrial(result, true, "");
        }
        // Disclosed where it decides: a trial whose memory never came near its limit was not slowed by it.
        return HealthCriteria.ReachedLimit(result)
            ? new VerifiedTrial(result, false, $"survived (slow): {figures}")
            : new VerifiedTrial(result, true, string.Create(CultureInfo.InvariantCulture,
                $"counted healthy below the bar: its memory never reached {HealthCriteria.ReachedLimitShare:P0} of the limit"));
    }

    private static bool RuntimeLimitCanCause(VerificationAttempt attempt) =>
        attempt.Trials.Any(t => !t.Healthy && t.Result.Outcome != TrialOutcome.OomKilled)
        || attempt.Sustained is { } s && (s.Trial.Outcome != TrialOutcome.OomKilled);
}
