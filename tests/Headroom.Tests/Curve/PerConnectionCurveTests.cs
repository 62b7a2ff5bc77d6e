using Headroom.Curve;

namespace Headroom.Tests.Curve;

/// <summary>A server that holds 256 KiB per open connection: the curve's slope is that buffer.</summary>
[Collection(RealCgroupsCollection.Name)]
public class PerConnectionCurveTests
{
    private const double Buffer = 256 * 1024;

    [Fact]
    public async Task Hold256KiBPerConnection_CurveSlopeWithin15Percent()
    {
        var cgroups = CgroupRequirement.Writable();
        var server = await TestPrograms.HttpMemAsync();
        var port = FreePort.Next();
        var url = $"http://127.0.0.1:{port}/";
        var launch = new TargetLaunch([server, port.ToString(CultureInfo.InvariantCulture), "per-conn", "262144"]) { ReadyUrl = new Uri(url) };
        // A fixed rate for a second keeps every connection open until the end, so all of them are held at once.
        var experiment = new CurveExperiment(
            level => new LocalTrialExecutor(new CommandTarget(launch), HeyLoad.Parse(FormattableString.Invariant($"-z 1s --rate 400 -c {level} {url}")),
                new LocalRunnerOptions { StopGrace = TimeSpan.FromSeconds(1) }),
            new EdgeSearchOptions { Resolution = MemoryQuantity.Parse("256Ki"), Confirm = 1, Min = EdgeSearchOptions.DefaultMin },
            baselineRuns: 1);

        var curve = await experiment.RunAsync(CurveAxis.Connections, [25, 50, 100], peak: 200, margin: 0.25, null, TestContext.Current.CancellationToken);

        Assert.All(curve.Levels, l => Assert.NotNull(l.Need));
        var fit = curve.Fit!;
        TestContext.Current.SendDiagnosticMessage(string.Create(CultureInfo.InvariantCulture,
            $"per connection: slope {fit.Slope / 1024:0.0} KiB (true 256), needs {string.Join(", ", curve.Levels.Select(l => $"{l.Level}: {l.Need}"))}, {curve.Trials} trials"));
        Assert.InRange(fit.Slope, Buffer * 0.85, Buffer * 1.15);
        Assert.True(curve.Peak!.Extrapolated);
        Assert.Contains("extrapolated beyond the measured 25 connections–100 connections", curve.Peak.Text, StringComparison.Ordinal);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
    }
}
