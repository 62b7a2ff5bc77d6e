namespace Headroom.Tests.Experiments;

public class MatrixExperimentTests
{
    private static readonly KnobSet Go = KnobPresets.Get("go");
    private static readonly MatrixLimit Edge = new(MemoryQuantity.Parse("12Mi"), "edge");
    private static readonly MatrixLimit Twice = new(MemoryQuantity.Parse("24Mi"), "2x edge");

    [Fact]
    public async Task RunAsync_Interleaves_EveryConfigurationOncePerRound()
    {
        var executor = new ScriptedTrialExecutor((_, _) => ScriptedTrial.Healthy);

        await new MatrixExperiment(executor, new MatrixOptions()).RunAsync([Edge, Twice], [KnobSet.None, Go], null, TestContext.Current.CancellationToken);

        var order = executor.Requests.Select(r => $"{r.Limit} {r.Knobs.Name} {r.Purpose}").ToList();
        string[] round(int n) => [$"12Mi none matrix round {n}", $"12Mi go matrix round {n}", $"24Mi none matrix round {n}", $"24Mi go matrix round {n}"];
        Assert.Equal([.. round(1), .. round(2), .. round(3)], order);
    }

    [Fact]
    public async Task RunAsync_CellsHoldMediansSpreadAndOomCounts()
    {
        // Per round (none, go) at 12Mi: none is OOM-killed in round 2; go runs 7000, 7600, 7300.
        double[] noneAt12 = [700, 0, 720];
        double[] goAt12 = [7000, 7600, 7300];
        var executor = new ScriptedTrialExecutor((request, n) =>
        {
            var round = n / 4;
            if (request.Limit == Twice.Limit) return ScriptedTrial.Healthy;
            if (request.Knobs.Name == "none")
            {
                return round == 1 ? ScriptedTrial.Failed(TrialOutcome.OomKilled) : new ScriptedTrial(TrialOutcome.Survived, noneAt12[round], 50);
            }
            return new ScriptedTrial(TrialOutcome.Survived, goAt12[round], 5 + round) with
            {
                Memory = new TrialMemorySummary(null, null, null, null, null, null, null, 1100 + round),
            };
        });

        var result = await new MatrixExperiment(executor, new MatrixOptions()).RunAsync([Edge, Twice], [KnobSet.None, Go], null, TestContext.Current.CancellationToken);

        var none = result.Cell(Edge.Limit, "none");
        Assert.Equal((3, 2, 1, 0), (none.Trials, none.Survived, none.OomKills, none.OtherFailures));
        Assert.Equal(710, none.MedianRequestsPerSecond);
        Assert.Equal((700.0, 720.0), (none.MinRequestsPerSecond!.Value, none.MaxRequestsPerSecond!.Value));
        Assert.Null(none.MedianGcCount);
        var go = result.Cell(Edge.Limit, "go");
        Assert.Equal(7300, go.MedianRequestsPerSecond);
        Assert.Equal(TimeSpan.FromMilliseconds(6), go.MedianP99Latency);
        Assert.Equal(TimeSpan.FromMilliseconds(2), go.MedianAverageLatency);
        Assert.Equal(1101, go.MedianGcCount);
        // Rounds 1 and 3 pair up (round 2's "none" was killed): 7000/700 and 7300/720.
        var ratio = result.Ratios.Single(r => r.Limit == Edge);
        // Two paired rounds are too few for an interval (reports say "too few paired rounds"), and three rounds whose
        // ratios are all 1.00 give a degenerate 1.00-1.00 that is no interval either: no verdict from either.
        Assert.Equal(2, ratio.PairedRounds);
        Assert.Null(ratio.Interval);
        var atTwice = result.Ratios.Single(r => r.Limit == Twice);
        Assert.Equal(3, atTwice.PairedRounds);
        Assert.Null(atTwice.Interval);
    }

    [Fact]
    public void Bootstrap_FixedData_IsDeterministicAndBracketsTheEstimate()
    {
        double[] ratios = [1.10, 1.12, 1.08];

        var first = PairedBootstrap.Interval(ratios, 2000, 0.95, seed: 17);
        var second = PairedBootstrap.Interval(ratios, 2000, 0.95, seed: 17);

        Assert.Equal(first, second);
        Assert.Equal(Math.Pow(1.10 * 1.12 * 1.08, 1.0 / 3), first.Estimate, precision: 12);
        // A resampled mean of three values lies between the smallest and the largest, and the 2.5 % tail of 27
        // equally likely resamples includes the all-smallest one's neighbourhood.
        Assert.InRange(first.Low, 1.08, first.Estimate);
        Assert.InRange(first.High, first.Estimate, 1.12);
        Assert.True(first.Low < 1.09 && first.High > 1.11);
        Assert.False(first.WithinNoise);
    }

    [Fact]
    public void Bootstrap_RatiosEitherSideOfOne_AreWithinNoise()
    {
        var interval = PairedBootstrap.Interval([0.93, 1.05, 1.01], 2000, 0.95, seed: 17);

        Assert.True(interval.WithinNoise);
        Assert.True(interval.Low < 1 && interval.High > 1);
    }

    [Fact]
    public void DefaultLimits_AreEdgeSysRoundedUpTwiceAndFourTimes()
    {
        var limits = MatrixExperiment.DefaultLimits(MemoryQuantity.Parse("12Mi"), MemoryQuantity.FromMebibytes(17.2).Bytes, MemoryQuantity.Parse("1Mi"));

        Assert.Equal(["12Mi edge", "18Mi runtime Sys", "24Mi 2x edge", "48Mi 4x edge"], limits.Select(l => $"{l.Limit} {l.Label}"));
    }

    [Fact]
    public void DefaultLimits_WithoutSys_AreThree()
    {
        var limits = MatrixExperiment.DefaultLimits(MemoryQuantity.Parse("48Mi"), null, MemoryQuantity.Parse("1Mi"));

        Assert.Equal(["48Mi", "96Mi", "192Mi"], limits.Select(l => l.Limit.ToString()));
    }
}
