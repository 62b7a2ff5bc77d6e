using Headroom.Cli;

namespace Headroom.Tests.Cli;

/// <summary><c>headroom soak</c> and <c>headroom curve</c> from the command line: bad input in one line and exit 2, and the Go sample's verdict.</summary>
[Collection(RealCgroupsCollection.Name)]
public sealed class SoakCurveCommandTests() : TempFolderTest("headroom-soak-")
{
    [Theory]
    [InlineData("headroom: --duration 00:00:00 is not a duration to soak for: give one above 0, e.g. --duration 10m", "soak", "--rate", "100", "--duration", "0")]
    [InlineData("headroom: --rate -1 is not a rate: give requests per second above 0, e.g. --rate 500", "soak", "--rate=-1", "--duration", "10s")]
    [InlineData("headroom: -c 50 is more connections than --rate 10 keeps busy (each needs at least one request a second): lower -c or raise the rate", "soak", "--rate", "10", "--load", "-c 50 http://127.0.0.1:9/", "--", "/bin/true")]
    [InlineData("headroom: --concurrency '10,50,20' is not increasing (50 then 20): list the levels from low to high", "curve", "--concurrency", "10,50,20")]
    [InlineData("headroom: -c 200 is more connections than --rate 100 keeps busy (each needs at least one request a second): lower -c or raise the rate", "curve", "--concurrency", "1,200", "--load", "-z 1s --rate 100")]
    [InlineData("headroom: --soak 10m is longer than 9m, the most a study's runner loads for; run 'headroom soak --from <study folder> --duration 10m' for it", "study", "--soak", "10m")]
    [InlineData("headroom: --concurrency '20,10' is not increasing (20 then 10): list the levels from low to high", "study", "--peak-concurrency", "100", "--concurrency", "20,10")]
    public async Task BadInput_OneLineAndExit2(string expected, params string[] args)
    {
        var (exit, stdout, stderr) = await CliRun.RunAsync(args);
        Assert.Equal((HeadroomApp.UsageError, "", expected), (exit, stdout, stderr.TrimEnd('\n')));
    }

    [Fact]
    public void FixedRateRun_ReplacesTheLoadsOwnCountAndPacing_KeepingEveryOtherFlagWord()
    {
        // A study's load such as "-c 1 -q 400 -n 160" is run at a fixed rate by the soak step and the verification.
        var load = Headroom.Cli.Commands.SoakCommand.WithRate("-c 1 -q 400 -n 160 -H 'X-Who: a b' http://127.0.0.1:9/", new Headroom.Soak.SoakOptions { Rate = 50, Duration = TimeSpan.FromSeconds(2) });

        var options = Headroom.Load.HeyArguments.Parse(Headroom.Load.HeyArguments.Split(load));

        Assert.Equal(["-c", "1", "-H", "X-Who: a b", "http://127.0.0.1:9/", "--rate", "50", "-z", "2s"], Headroom.Load.HeyArguments.Split(load));
        Assert.Equal(50, options.TotalRate);
    }

    [Fact]
    public async Task GoSample_ShortSoak_Stable()
    {
        var cgroups = CgroupRequirement.Writable();
        var (exit, stdout, stderr) = await CliRun.RunAsync(
            "soak", "--target", "go", "--rate", "200", "--duration", "24s", "--limit", "64Mi", "--out", Path.Combine(TempRoot, "go"));
        TestContext.Current.SendDiagnosticMessage(stdout);
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("verdict: stable: charged ", stdout, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(Path.Combine(TempRoot, "go", "report.html"), TestContext.Current.CancellationToken);
        Assert.Contains("Memory over the soak", html, StringComparison.Ordinal);
        Assert.Contains("limit 64Mi", html, StringComparison.Ordinal);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
    }
}
