using System.Globalization;
using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// Whether a trial's load measured the service or measured failures. A baseline that does not succeed on
/// <see cref="BaselineMinimumSuccess"/> of its requests stops a study before any limited trial: every figure after it
/// would be of refused connections or error pages (a study against a wrong port once put its edge at 12Mi from
/// 23,592 refusals a second). Under a limit, a success ratio more than <see cref="AllowedDrop"/> below the baseline's
/// is the outcome <see cref="TrialOutcome.Errors"/>: the service is alive but failing its load.
/// </summary>
public static class LoadValidity
{
    /// <summary>Share of the baseline's requests that must succeed before any limit is tried.</summary>
    public const double BaselineMinimumSuccess = 0.99;

    /// <summary>How far (a share, 0.01 = one point) a limited trial's success ratio may fall below the baseline's.</summary>
    public const double AllowedDrop = 0.01;

    /// <summary>The one-line reason the baseline cannot be compared with, or null when it can.</summary>
    public static string? BaselineProblem(TrialResult baseline)
    {
        if (!baseline.Survived || baseline.Load is not { Requests: > 0 } load || load.SuccessRatio() >= BaselineMinimumSuccess)
        {
            return null;
        }
        var first = load.Failures.Count > 0 ? load.Failures[0] : null;
        var url = load.Url ?? "the load URL";
        var every = first is not null && first.Count == load.Requests;
        var share = every ? "every request" : $"{Percent((double)(first?.Count ?? load.Errors) / load.Requests)} of {N(load.Requests)} requests";
        var what = first is null ? $"{share} to {url} failed"
            : first.Status is { } code ? $"{share} to {url} {(every ? "was" : "were")} answered {code}; check the load URL, or give --expect {code} if that is the answer the service should give"
            : first.Kind == "refused" ? $"{share} to {url} {(every ? "was" : "were")} refused: {(every ? "nothing listens there" : "the target did not accept them")}; check the load URL"
            : first.Kind == "timeout" ? $"{share} to {url} got no complete response within the timeout (-t); check the load URL and the target's logs"
            : $"{share} to {url} failed ({first.Describe()}); check the load URL and the target's logs";
        return $"the unlimited baseline succeeded on {Percent(load.SuccessRatio())} of its requests (at least {Percent(BaselineMinimumSuccess)} must before any limit is tried): {what}";
    }

    /// <summary>
    /// <paramref name="trial"/> as judged against the baseline's success ratio: a survival that failed more than
    /// <see cref="AllowedDrop"/> more of its requests becomes <see cref="TrialOutcome.Errors"/>, with the failures as evidence.
    /// </summary>
    public static TrialResult UnderLimit(TrialResult trial, double baselineSuccess)
    {
        if (!trial.Survived || trial.Request.Limit is null || trial.Load is not { Requests: > 0 } load
            || load.SuccessRatio() >= baselineSuccess - AllowedDrop)
        {
            return trial;
        }
        var failures = string.Join(", ", load.Failures.Take(3).Select(f => $"{f.Describe()} on {Percent((double)f.Count / load.Requests)}"));
        var evidence = $"{failures} of {N(load.Requests)} requests (baseline: {Percent(baselineSuccess)} succeeded); {trial.Evidence}";
        return trial with { Outcome = TrialOutcome.Errors, Evidence = evidence };
    }

    /// <summary>An executor whose survivals are judged by <see cref="UnderLimit"/> before anyone sees them.</summary>
    /// <remarks>Each request carries the baseline's pace (<see cref="TrialRequest.Baseline"/>) for the trial loop's crawl and bound rules.</remarks>
    public static ITrialExecutor Judging(ITrialExecutor inner, TrialResult baseline) =>
        new JudgingExecutor(inner, baseline.Load?.SuccessRatio() ?? 1,
            baseline.Load is { } load ? new TrialBaseline(load.RequestsPerSecond, baseline.Details.ReadyAfter, load.Duration) : null);

    /// <summary>An executor that stops with <see cref="BaselineProblem"/> (a <see cref="UserInputException"/>) before the failing baseline is recorded.</summary>
    public static ITrialExecutor CheckingBaseline(ITrialExecutor inner) => new BaselineCheckExecutor(inner);

    /// <summary><c>12 %</c>, <c>0.4 %</c>, <c>99.5 %</c>: a decimal only below 10 % and between 99 and 100 %, where it decides.</summary>
    public static string Percent(double share)
    {
        var p = share * 100;
        return p.ToString(p is > 0 and < 10 or > 99 and < 100 ? "0.#" : "0", CultureInfo.InvariantCulture) + " %";
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private sealed class JudgingExecutor(ITrialExecutor inner, double baselineSuccess, TrialBaseline? baseline) : IConcurrentTrialExecutor
    {
        public int Slots => TrialSlots.Of(inner);

        public async Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
            UnderLimit(await inner.RunAsync(request with { Baseline = baseline }, progress, cancellationToken), baselineSuccess) with { Request = request };
    }

    private sealed class BaselineCheckExecutor(ITrialExecutor inner) : IConcurrentTrialExecutor
    {
        public int Slots => TrialSlots.Of(inner);

        public async Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
        {
            var result = await inner.RunAsync(request, progress, cancellationToken);
            return BaselineProblem(result) is { } problem ? throw new UserInputException(problem) : result;
        }
    }
}
