using Headroom.Memory;
using Headroom.Soak;

namespace Headroom.Tests.Soak;

/// <summary>The verdict from scripted series: what a user reads for a slow leak, a flat sawtooth and a death.</summary>
public class SoakAnalysisTests
{
    private const double Mi = 1048576;

    private static TrialResult Trial(Func<double, double> anonMiB, TrialOutcome outcome = TrialOutcome.Survived, double hours = 1)
    {
        var samples = new List<MemorySample>();
        var steps = 360;
        for (var i = 0; i <= steps; i++)
        {
            var seconds = hours * 3600 * i / steps;
            var anon = (long)(anonMiB(seconds) * Mi);
            samples.Add(new MemorySample((long)(seconds * 1000), "load", anon + (long)(5 * Mi), null, anon, (long)(5 * Mi),
                null, null, null, null, null, null, null, null, null, null));
        }
        return new TrialResult(new TrialRequest(MemoryQuantity.Parse("40Mi"), KnobSet.None), outcome,
            outcome == TrialOutcome.Survived ? "alive after the load" : "oom_kill 0->1, exit 137 (SIGKILL)", null,
            new TrialMemorySummary(null, null, null, null, null, null, null, null), 0, TimeSpan.Zero)
        {
            Details = new TrialDetails { Samples = samples },
        };
    }

    // A little deterministic noise, as samples have.
    private static double Noise(double seconds) => 0.05 * Math.Sin(seconds * 0.7) + 0.03 * Math.Cos(seconds * 1.9);

    [Fact]
    public void SlowLeak_GrowingWithTheTimeToTheLimit()
    {
        var soak = SoakAnalysis.Analyze(Trial(t => 20 + 2.1 * t / 3600 + Noise(t)), new SoakOptions { Rate = 100, Duration = TimeSpan.FromHours(1) });
        Assert.Equal(SoakVerdictKind.Growing, soak.Verdict.Kind);
        Assert.StartsWith("growing +2.1 MiB/h (", soak.Verdict.Text, StringComparison.Ordinal);
        // Charged at the end 27.1 MiB: 12.9 MiB to go at 2.1 MiB/h.
        Assert.Contains("reaches the 40Mi limit in about 6.1 h", soak.Verdict.Text, StringComparison.Ordinal);
        Assert.InRange(soak.Charged!.LowMebibytesPerHour, 1.9, 2.1);
        Assert.InRange(soak.Charged.HighMebibytesPerHour, 2.1, 2.3);
    }

    [Fact]
    public void FlatSawtooth_Stable()
    {
        var soak = SoakAnalysis.Analyze(Trial(t => 20 + 3 * ((t / 60) % 1) + Noise(t)), new SoakOptions { Rate = 100 });
        Assert.Equal(SoakVerdictKind.Stable, soak.Verdict.Kind);
        Assert.StartsWith("stable: charged ", soak.Verdict.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void FallingTrend_SaysFalling_NotThatItsIntervalIncludesZero()
    {
        // As the verification's 30-s runs of the C# sample read: -29.1 MiB/h (-50.6 to -9.7), wholly below 0.
        var soak = SoakAnalysis.Analyze(Trial(t => 30 - 30 * t / 3600 + Noise(t), hours: 0.01), new SoakOptions { Rate = 100 });
        Assert.Equal(SoakVerdictKind.Stable, soak.Verdict.Kind);
        Assert.StartsWith("stable: charged falling -", soak.Verdict.Text, StringComparison.Ordinal);
        Assert.EndsWith("the 95 % interval wholly below 0", soak.Verdict.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("includes 0", soak.Verdict.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Died_SaysHowAndWhen()
    {
        var soak = SoakAnalysis.Analyze(Trial(t => 20 + 300 * t / 3600, TrialOutcome.OomKilled, hours: 0.05), new SoakOptions { Rate = 100 });
        Assert.Equal(SoakVerdictKind.Died, soak.Verdict.Kind);
        Assert.StartsWith("oom-killed after 3 min of load (oom_kill 0->1, exit 137 (SIGKILL)); charged before it +300 MiB/h", soak.Verdict.Text, StringComparison.Ordinal);
    }
}
