using System.Globalization;
using Headroom.Trials;

namespace Headroom.Runners.Trial;

/// <summary>
/// How long a limited trial may take, from the baseline's pace: its start may take max(10 s, 5 × the baseline's start)
/// before a start at the limit with climbing faults is a failure, and its load max(10 s, 5 × the baseline's load)
/// unless the runner's options set a load timeout. Without a baseline: the readiness timeout and 10 min.
/// </summary>
public static class TrialBounds
{
    public static readonly TimeSpan Least = TimeSpan.FromSeconds(10);

    public static TimeSpan? Start(TrialRequest request) =>
        request.Baseline?.ReadyAfter is { } start ? Max(Least, 5 * start) : null;

    public static TimeSpan Load(TrialRequest request, TimeSpan? given) =>
        given ?? (request.Baseline is { } baseline ? Max(Least, 5 * baseline.LoadDuration) : TimeSpan.FromMinutes(10));

    /// <summary>A load timeout as given (<c>90s</c>, <c>5m</c>, a bare number of seconds); one line when it is not a positive duration.</summary>
    public static TimeSpan ParseLoadTimeout(string text, string name)
    {
        var bound = Soak.SoakOptions.ParseDuration(text, name);
        return bound > TimeSpan.Zero ? bound : throw new UserInputException($"{name} '{text}' is not a bound on a load: give one above 0, e.g. 90s or 5m");
    }

    public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>
/// A start that outlasts <see cref="TrialBounds.Start"/> while at the limit with major faults climbing is
/// <see cref="TrialOutcome.StartFailed"/> at once, with the pressure as evidence, instead of after the readiness timeout.
/// </summary>
public sealed class StartStallRule(ThrashingSettings thrashing) : ITrialWatcher
{
    public async Task WatchAsync(TrialRun run, CancellationToken cancellationToken)
    {
        if (TrialBounds.Start(run.Request) is not { } bound || run.Request.Limit is not { } limit)
        {
            return;
        }
        var past = Task.Delay(bound, cancellationToken);
        if (await Task.WhenAny(run.Ready, run.Exited, past) != past || past.IsCanceled)
        {
            return;
        }
        while (!run.Ready.IsCompleted && !run.Exited.IsCompleted && run.Decided is null)
        {
            if (StartPressure.Describe(run.Sampler.Samples, limit, thrashing.NearLimit) is { } pressure)
            {
                run.Decide($"never became ready within {TrialBounds.Seconds(bound)} (5 × the baseline's start, at least {TrialBounds.Seconds(TrialBounds.Least)}), {pressure}",
                    TrialOutcome.StartFailed);
                return;
            }
            await Task.WhenAny(run.Ready, run.Exited, Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
