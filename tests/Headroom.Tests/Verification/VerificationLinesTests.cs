using Headroom.Memory;
using Headroom.Soak;
using Headroom.Verification;

namespace Headroom.Tests.Verification;

/// <summary>
/// What the verification's line says of its sustained run, from scripted 30-s series at an 18Mi limit as the Go
/// sample's verification of measure-12 read (growing +49.2 MiB/h, the limit in about 7 min): a growing trend is said
/// with its time to the limit and fails when even its slowest estimate reaches the limit within 10 runs' time; a
/// death is told once.
/// </summary>
public sealed class VerificationLinesTests
{
    private const double Mi = 1048576;
    private static readonly TimeSpan Sustain = TimeSpan.FromSeconds(30);

    private static SoakResult Sustained(Func<double, double> chargedMiB, TrialOutcome outcome = TrialOutcome.Survived)
    {
        var samples = new List<MemorySample>();
        for (var i = 0; i <= 300; i++)
        {
            var seconds = 30.0 * i / 300;
            // A little deterministic jitter, as samples have.
            var charged = (long)((chargedMiB(seconds) + 0.005 * Math.Sin(seconds * 7)) * Mi);
            samples.Add(new MemorySample((long)(seconds * 1000), "load", charged, null, charged - (long)(4 * Mi), (long)(4 * Mi),
                null, null, null, null, null, null, null, null, null, null));
        }
        var trial = new TrialResult(new TrialRequest(MemoryQuantity.Parse("18Mi"), KnobSet.None), outcome,
            outcome == TrialOutcome.Survived ? "alive after the load" : "oom_kill 0->1, exit 137 (SIGKILL)", null,
            new TrialMemorySummary(null, null, null, null, null, null, null, null), 0, Sustain)
        {
            Details = new TrialDetails { Samples = samples },
        };
        return SoakAnalysis.Analyze(trial, new SoakOptions { Rate = 1391, Duration = Sustain });
    }

    private static HealthCriteria Health { get; } = new(
        new TrialLoadSummary(1000, 1000, 0, 1391, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(36.6), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(0.7)),
        0.9, 2);

    private static VerificationAttempt Attempt(SoakResult soak) =>
        new(new VerifiedSetting(MemoryQuantity.Parse("18Mi"), new Dictionary<string, string>(), null), [], soak, 1391,
            RecommendationVerifier.SustainedFailure(soak, 1391, Health, Sustain));

    [Fact]
    public void GrowingForMinutes_IsVerified_ButTheLineSaysGrowingAndToSoakLonger()
    {
        // 11 MiB charged growing 49.2 MiB/h: the 18Mi limit in about 8 min, beyond 10 x 30 s.
        var attempt = Attempt(Sustained(t => 11 + 49.2 * t / 3600));

        Assert.Null(attempt.Failure);
        var line = new VerificationResult([attempt], null).Lines().Single();
        Assert.StartsWith("verified: ", line, StringComparison.Ordinal);
        Assert.Contains("30-s run: no OOM, memory growing +49", line, StringComparison.Ordinal);
        Assert.Contains("reaches the 18Mi limit in about ", line, StringComparison.Ordinal);
        Assert.Contains("soak longer to tell a warm-up from a leak (headroom soak --from the study's folder --rate 1391 --duration 1h)", line, StringComparison.Ordinal);
    }

    [Fact]
    public void GrowingToTheLimitWithinTenRuns_FailsVerification()
    {
        // 15 MiB charged growing 600 MiB/h: 3 MiB left, reached in about 18 s.
        var attempt = Attempt(Sustained(t => 15 + 600 * t / 3600));

        Assert.StartsWith("even the slowest growth in its 95 % interval reaches the limit within ", attempt.Failure, StringComparison.Ordinal);
        Assert.EndsWith(", under 10 times the 30-s run", attempt.Failure, StringComparison.Ordinal);
        var line = new VerificationResult([attempt], null).Lines()[0];
        Assert.StartsWith("not verified: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void SustainedRunKilled_TellsItsEvidenceOnce()
    {
        var attempt = Attempt(Sustained(t => 15 + 600 * t / 3600, TrialOutcome.OomKilled));

        var line = new VerificationResult([attempt], null).Lines()[0];

        Assert.Equal("not verified: 0 of 0 survived and healthy at 18Mi with no runtime limit; 30-s run: oom-killed (oom_kill 0->1, exit 137 (SIGKILL))", line);
    }
}
