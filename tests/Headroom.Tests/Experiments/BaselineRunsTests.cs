namespace Headroom.Tests.Experiments;

public class BaselineRunsTests
{
    private static TrialResult Run(double rps, double p99Ms, long peak, TrialOutcome outcome = TrialOutcome.Survived) =>
        new(new TrialRequest(null, KnobSet.None), outcome, "alive",
            outcome == TrialOutcome.Survived
                ? new TrialLoadSummary(1000, 1000, 0, rps, TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(p99Ms), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1))
                : null,
            new TrialMemorySummary(peak, peak / 3, peak / 2, 10, null, null, null, null), 0, TimeSpan.FromSeconds(1));

    [Fact]
    public void Combine_ThreeRuns_TakesMedianSpeedAndHighestPeak()
    {
        var baseline = BaselineRuns.Combine([Run(3000, 12, 40_000_000), Run(4200, 9, 46_000_000), Run(3900, 30, 44_000_000)]);

        Assert.Equal(3900, baseline.Load!.RequestsPerSecond);
        Assert.Equal(TimeSpan.FromMilliseconds(12), baseline.Load.P99Latency);
        Assert.Equal(46_000_000, baseline.Memory.PeakChargedBytes);
        Assert.Contains("median of 3 unlimited runs", baseline.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Combine_AFailedRun_IsTheBaseline()
    {
        var failed = Run(0, 0, 30_000_000, TrialOutcome.Crashed);
        Assert.Same(failed, BaselineRuns.Combine([Run(4000, 9, 40_000_000), failed]));
    }

    [Fact]
    public void Combine_OneRun_IsThatRun()
    {
        var only = Run(4000, 9, 40_000_000);
        Assert.Same(only, BaselineRuns.Combine([only]));
    }
}
