using System.Globalization;
using Headroom.Experiments;
using Headroom.Knobs;
using Headroom.Trials;

namespace Headroom.Checks;

/// <summary>
/// Runs the gate's cases: <c>confirm</c> consecutive trials each, stopping at the first failure (one OOM kill is
/// final, as in the edge search). A case that asks for health is judged against one unlimited run made first, by
/// the edge search's rule (<see cref="HealthCriteria.IsHealthyUnderLimit"/>).
/// </summary>
public sealed class MemoryCheck(ITrialExecutor executor, int confirm, double healthy = EdgeSearchOptions.DefaultHealthy)
{
    public async Task<CheckResult> RunAsync(IReadOnlyList<CheckCase> cases, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        TrialResult? baseline = null;
        HealthCriteria? health = null;
        string? baselineFailure = null;
        if (cases.Any(c => c.Healthy))
        {
            progress?.Report("unlimited baseline run (what healthy is judged against)");
            baseline = await executor.RunAsync(new TrialRequest(null, KnobSet.None) { Purpose = "check baseline" }, progress, cancellationToken);
            if (baseline.Survived && baseline.Load is { RequestsPerSecond: > 0 } load)
            {
                health = new HealthCriteria(load, healthy, EdgeSearchOptions.DefaultP99Factor);
            }
            else
            {
                baselineFailure = $"the unlimited baseline run did not complete its load ({baseline.Outcome.ToKebab()}: {baseline.Evidence})";
            }
        }
        var results = new List<CheckCaseResult>();
        foreach (var @case in cases)
        {
            if (@case.Healthy && health is null)
            {
                results.Add(new CheckCaseResult(@case, [], baselineFailure));
                continue;
            }
            var trials = new List<TrialResult>();
            string? failure = null;
            for (var i = 1; i <= confirm && failure is null; i++)
            {
                var trial = await executor.RunAsync(new TrialRequest(@case.Limit, @case.Knobs) { Purpose = $"check {i}/{confirm}" }, progress, cancellationToken);
                trials.Add(trial);
                failure = Judge(trial, @case.Healthy ? health : null) is { } why ? $"trial {i} of {confirm}: {why}" : null;
                progress?.Report($"{@case.Name}: trial {i} of {confirm} {(failure is null ? "passed" : "failed")}: {trial.Outcome.ToKebab()}, {trial.Evidence}");
            }
            results.Add(new CheckCaseResult(@case, trials, failure));
        }
        return new CheckResult(baseline, results, confirm);
    }

    /// <summary>Null when the trial passes; else why not, in words.</summary>
    public static string? Judge(TrialResult trial, HealthCriteria? health)
    {
        if (!trial.Survived)
        {
            return $"{trial.Outcome.ToKebab()} ({trial.Evidence})";
        }
        if (health is null || health.IsHealthyUnderLimit(trial))
        {
            return null;
        }
        var load = trial.Load;
        return load is null
            ? "survived, but no load figures to judge its health by"
            : string.Create(CultureInfo.InvariantCulture,
                $"survived but unhealthy: {load.RequestsPerSecond:N0} req/s (needs {health.MinRequestsPerSecond:N0}), p99 {load.P99Latency.TotalMilliseconds:0.0} ms (at most {health.MaxP99.TotalMilliseconds:0.0} ms)");
    }
}
