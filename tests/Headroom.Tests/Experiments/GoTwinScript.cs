using Headroom.Specs;

namespace Headroom.Tests.Experiments;

/// <summary>
/// A scripted target shaped after the Go twin of notes/measurements.md (cold): killed below 12 MiB, crawling from
/// 12 to 13 MiB, full speed from 14 MiB; with GOMEMLIMIT=limit (preset "go") it survives down to 9 MiB at ~180 req/s
/// and is ~5 % faster from 18 MiB up. Deterministic: the same requests get the same figures.
/// </summary>
internal static class GoTwinScript
{
    public static StudyPlan Plan(int repeats = 3) => new("go-twin", new StudySpec
    {
        Name = "go-twin",
        Target = new TargetSpec { Command = "./go-sales-api" },
        Runtime = TargetRuntime.Go,
        Repeats = repeats,
    }, StudyPhases.All);

    public static ScriptedTrialExecutor Executor(Action<int>? beforeTrial = null) => new(Trial) { BeforeTrial = beforeTrial };

    /// <summary>Trial <paramref name="n"/> (0-based) of the script; <paramref name="n"/> only adds a little noise to req/s.</summary>
    public static ScriptedTrial Trial(TrialRequest request, int n)
    {
        if (ScriptedTrialExecutor.Unlimited(request))
        {
            return ScriptedTrial.Baseline;
        }
        var mi = ScriptedTrialExecutor.Mi(request);
        var withLimit = request.Knobs.Name == "go";
        var gc = new TrialMemorySummary(request.Limit!.Value.Bytes, null, null, null, null, null, null, withLimit ? (long)(1200 / mi * 10) : 120);
        if (withLimit)
        {
            return mi < 9 ? ScriptedTrial.Failed(TrialOutcome.Thrashing)
                : mi < 12 ? new ScriptedTrial(TrialOutcome.Survived, 180 + mi, 300, gc)
                : new ScriptedTrial(TrialOutcome.Survived, (mi < 18 ? 7_500 : 10_300) + n % 3 * 40, 4.2, gc);
        }
        return mi < 12 ? ScriptedTrial.Failed(TrialOutcome.OomKilled)
            : mi < 14 ? new ScriptedTrial(TrialOutcome.Survived, 713, 55, gc)
            : new ScriptedTrial(TrialOutcome.Survived, 9_800 + n % 3 * 40, 4.5, gc);
    }
}
