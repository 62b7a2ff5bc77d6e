using Headroom.Memory;

namespace Headroom.Tests.Runners;

public class ThrashingDetectorTests
{
    private const long Limit = 32L << 20;
    private static readonly ThrashingSettings s_settings = new() { Window = TimeSpan.FromMilliseconds(300) };

    private static MemorySample Sample(long ms, long majorFaults, long? completed, long charged = Limit) =>
        new(ms, "load", charged, charged, charged / 2, charged / 2, 0, 0, majorFaults, 0, 0, null, null, completed, null, null);

    private static string? Feed(ThrashingDetector detector, Func<int, MemorySample> sample, int count)
    {
        for (var i = 0; i < count; i++)
        {
            detector.Observe(sample(i));
            Thread.Sleep(10);
        }
        return detector.Evidence;
    }

    [Fact]
    public void FaultsClimbingWhileRequestsStall_AtTheLimit_IsThrashing()
    {
        var detector = new ThrashingDetector(Limit, s_settings);
        // Healthy first: 100 requests per 100 ms, then 1 per 100 ms while faults climb by 1,000 per 100 ms.
        var evidence = Feed(detector, i => i < 10 ? Sample(i * 100, 10, i * 100) : Sample(i * 100, (i - 9) * 1000, 900 + i), 60);
        Assert.NotNull(evidence);
        Assert.Contains("pgmajfault +", evidence, StringComparison.Ordinal);
        Assert.Contains("requests completed", evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void FaultsClimbing_WhileRequestsKeepCompleting_IsNotThrashing()
    {
        var detector = new ThrashingDetector(Limit, s_settings);
        Assert.Null(Feed(detector, i => Sample(i * 100, i * 1000, i * 100), 60));
    }

    [Fact]
    public void FaultsAndStall_FarBelowTheLimit_IsNotThrashing()
    {
        var detector = new ThrashingDetector(Limit, s_settings);
        Assert.Null(Feed(detector, i => Sample(i * 100, i * 1000, 5, charged: Limit / 2), 60));
    }

    [Fact]
    public void NoLimit_NeverThrashing()
    {
        var detector = new ThrashingDetector(null, s_settings);
        Assert.Null(Feed(detector, i => Sample(i * 100, i * 5000, 5), 40));
    }

    [Fact]
    public void BeforeLoad_OnlyTwiceTheFaultRateCounts()
    {
        var slow = new ThrashingDetector(Limit, s_settings);
        Assert.Null(Feed(slow, i => Sample(i * 100, i * 300, null), 40));
        var fast = new ThrashingDetector(Limit, s_settings);
        Assert.Contains("before any load", Feed(fast, i => Sample(i * 100, i * 1000, null), 40), StringComparison.Ordinal);
    }

    [Fact]
    public void UnansweredLoad_AtTheLimit_IsThrashing_EvenWithFaultsTooSlowForAWindow()
    {
        var detector = new ThrashingDetector(Limit, s_settings);
        // ~200 faults a second, as the Go sample at 10Mi on a busy machine: far under 1,000 a window.
        Feed(detector, i => Sample(i * 100, i * 20, 0), 30);
        Assert.Null(detector.Evidence);
        string? detected = null;
        detector.Detected += e => detected = e;

        Assert.True(detector.DeclareUnanswered("the load's requests timed out before it began"));

        Assert.Equal(detected, detector.Evidence);
        Assert.StartsWith("the load's requests timed out before it began while at the limit (32.0 MiB charged, pgmajfault +580 in 2.9 s)", detector.Evidence);
    }

    [Fact]
    public void UnansweredLoad_FarBelowTheLimit_OrWithoutALimit_IsNotThrashing()
    {
        var below = new ThrashingDetector(Limit, s_settings);
        Feed(below, i => Sample(i * 100, i * 20, 0, charged: Limit / 2), 5);
        var unlimited = new ThrashingDetector(null, s_settings);
        Feed(unlimited, i => Sample(i * 100, i * 20, 0), 5);

        Assert.False(below.DeclareUnanswered("timed out"));
        Assert.False(unlimited.DeclareUnanswered("timed out"));
        Assert.Null(below.Evidence);
        Assert.Null(unlimited.Evidence);
    }

    [Fact]
    public void UnansweredLoad_WithNoMemoryFigures_IsThrashing_AndSaysSo()
    {
        var detector = new ThrashingDetector(Limit, s_settings);

        Assert.True(detector.DeclareUnanswered("timed out"));
        Assert.Equal("timed out (no memory figures to tell whether it was at the limit)", detector.Evidence);
    }

    [Fact]
    public void Reset_ForTheNextRunOfARestartedTarget_StartsAWindowAfresh()
    {
        var detector = new ThrashingDetector(Limit, s_settings);
        Assert.NotNull(Feed(detector, i => Sample(i * 100, i * 1000, 5), 60));

        detector.Reset();

        Assert.Null(detector.Evidence);
        // The new run's samples alone: a cold start's faults, well under the before-load rate.
        Assert.Null(Feed(detector, i => Sample(6000 + i * 100, 60_000 + i * 100, null), 20));
    }
}
