namespace Headroom.Tests.Load;

/// <summary>
/// <c>headroom load</c>'s exit code says whether anything succeeded (where it differs from hey, which exits 0 against
/// a closed port): nothing succeeded → 1 with one line on stderr after the report; some failed → 0.
/// </summary>
public sealed class LoadExitCodeTests
{
    [Fact]
    public async Task Load_EveryRequestRefused_Exits1WithOneLineNamingTheRefusals()
    {
        var port = FreePort.Next();

        var (exit, stdout, stderr) = await CliRun.RunAsync("load", "-n", "50", "-c", "5", $"http://127.0.0.1:{port}/");

        Assert.Equal(1, exit);
        Assert.Contains("Error distribution:", stdout);
        Assert.Equal($"headroom: no request to http://127.0.0.1:{port}/ succeeded (50 refused of 50; expected 2xx,3xx)\n", stderr);
    }

    [Fact]
    public async Task Load_Every404_Exits1_AndExpect404MakesItASuccess()
    {
        await using var server = await TestServer.StartAsync("--status", "404");

        var (exit, _, stderr) = await CliRun.RunAsync("load", "-n", "40", "-c", "4", server.Url);
        var (expectedExit, _, expectedStderr) = await CliRun.RunAsync("load", "-n", "40", "-c", "4", "--expect", "200,404", server.Url);

        Assert.Equal(1, exit);
        Assert.Contains("(40 status 404 of 40; expected 2xx,3xx)", stderr);
        Assert.Equal((0, ""), (expectedExit, expectedStderr));
    }

    [Fact]
    public async Task Load_SomeRequestsFailed_Exits0_AndJsonCountsThemByKind()
    {
        await using var server = await TestServer.StartAsync("--fail-every", "10");

        var (exit, stdout, stderr) = await CliRun.RunAsync("load", "-n", "100", "-c", "1", "--json", server.Url);

        Assert.Equal((0, ""), (exit, stderr));
        var report = Headroom.Load.LoadReportJson.Deserialize(stdout);
        Assert.Equal(90, report.Succeeded);
        Assert.Equal([new Headroom.Load.LoadFailure("status 500", 10)], report.Failures);
    }
}
