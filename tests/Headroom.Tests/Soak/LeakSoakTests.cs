using Headroom.Soak;

namespace Headroom.Tests.Soak;

/// <summary>
/// A server that keeps 1 KiB of every request, soaked at a fixed rate under a real limit: the trend must hold the
/// rate it leaks at, and the time it projects to the limit must match when the kernel really kills it.
/// </summary>
[Collection(RealCgroupsCollection.Name)]
public class LeakSoakTests
{
    private const double Rate = 1000;

    /// <summary>1 KiB a request at 1,000 req/s, in MiB per hour.</summary>
    private const double TrueMebibytesPerHour = Rate * 1024 * 3600 / 1048576.0;

    [Fact]
    public async Task LeakOf1KiBPerRequest_IntervalHoldsTheTrueRate_ProjectedTimeToLimitWithin20PercentOfTheKill()
    {
        var cgroups = CgroupRequirement.Writable();
        var server = await TestPrograms.HttpMemAsync();
        var port = FreePort.Next();
        var url = $"http://127.0.0.1:{port}/";
        var limit = MemoryQuantity.Parse("12Mi");

        async Task<SoakResult> SoakAsync(TimeSpan duration)
        {
            var options = new SoakOptions { Rate = Rate, Duration = duration };
            var launch = new TargetLaunch([server, port.ToString(CultureInfo.InvariantCulture), "leak", "1024"]) { ReadyUrl = new Uri(url) };
            var executor = new LocalTrialExecutor(new CommandTarget(launch), HeyLoad.Parse($"-c 10 {url} {options.LoadFlags()}"),
                new LocalRunnerOptions { StopGrace = TimeSpan.FromSeconds(1) });
            return await SoakRun.RunAsync(executor, new TrialRequest(limit, KnobSet.None), options, null, TestContext.Current.CancellationToken);
        }

        var first = await SoakAsync(TimeSpan.FromSeconds(6));
        Assert.Equal(TrialOutcome.Survived, first.Trial.Outcome);
        Assert.Equal(SoakVerdictKind.Growing, first.Verdict.Kind);
        foreach (var trend in new[] { first.Charged!, first.Anon! })
        {
            Assert.True(trend.LowMebibytesPerHour > 0, trend.Describe());
            Assert.InRange(TrueMebibytesPerHour, trend.LowMebibytesPerHour, trend.HighMebibytesPerHour);
        }
        var projected = first.Verdict.LimitReachedAtSeconds!.Value;

        var killed = await SoakAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(TrialOutcome.OomKilled, killed.Trial.Outcome);
        Assert.Equal(SoakVerdictKind.Died, killed.Verdict.Kind);
        var real = killed.LoadSeconds;
        TestContext.Current.SendDiagnosticMessage(string.Create(CultureInfo.InvariantCulture,
            $"leak: true {TrueMebibytesPerHour:0} MiB/h, charged {first.Charged!.Describe()}, anon {first.Anon!.Describe()}; projected the {limit} limit at {projected:0.0} s of load, killed at {real:0.0} s"));
        Assert.InRange(projected, real * 0.8, real * 1.2);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
    }
}
