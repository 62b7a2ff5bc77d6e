using System.Text.Json;
using Headroom.Cli;

namespace Headroom.Tests.SalesApi;

/// <summary><c>headroom vars</c> run (in process, as the CLI runs it) against the sample's two endpoints and bad URLs.</summary>
public sealed class HeadroomVarsAgainstSalesApiTests(SqliteSalesApiFixture fixture) : IClassFixture<SqliteSalesApiFixture>
{
    [Fact]
    public async Task Vars_SampleExpvar_PrintsTheMemoryAmountsBlock()
    {
        var (exit, stdout, stderr) = await RunAsync("vars", new Uri(fixture.Service.Debug, "/debug/vars").ToString());

        Assert.True(exit == 0, stderr);
        Assert.Contains("(expvar)", stdout);
        Assert.Contains("Memory Amounts:", stdout);
        Assert.Matches(@"(?m)^HeapAlloc:\s+\d+ MiB  \(\d+ bytes\)$", stdout);
        Assert.Matches(@"(?m)^HeapSys:\s+\d+ MiB", stdout);
        Assert.Matches(@"(?m)^Sys:\s+\d+ MiB", stdout);
        Assert.Matches(@"(?m)^Goroutines:\s+[1-9]\d*$", stdout);
        Assert.Contains("dotnet.TotalAvailableMemoryBytes", stdout);
    }

    [Fact]
    public async Task Vars_SampleMetricsAsJson_GivesTheSameFiguresByName()
    {
        var (exit, stdout, stderr) = await RunAsync("vars", new Uri(fixture.Service.Debug, "/metrics").ToString(), "--json");

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("prometheus", root.GetProperty("format").GetString());
        Assert.True(root.GetProperty("heapAlloc").GetInt64() > 0);
        Assert.True(root.GetProperty("sys").GetInt64() > 0);
        Assert.True(root.GetProperty("goroutines").GetInt64() > 0);
        Assert.True(root.GetProperty("other").GetProperty("process_working_set_bytes").GetDouble() > 0);
    }

    [Fact]
    public async Task Vars_ClosedPort_IsOneLineAndExit2()
    {
        var (exit, stdout, stderr) = await RunAsync("vars", $"http://127.0.0.1:{FreePort.Next()}/debug/vars");

        AssertOneLineUsageError(exit, stdout, stderr);
        Assert.Contains("cannot reach", stderr);
    }

    [Theory]
    [InlineData("/v1/liveness")]
    [InlineData("/v1/users")]
    public async Task Vars_ApiEndpointThatIsNotStats_IsOneLineAndExit2(string path)
    {
        var (exit, stdout, stderr) = await RunAsync("vars", new Uri(fixture.Service.Api, path).ToString());

        AssertOneLineUsageError(exit, stdout, stderr);
    }

    [Fact]
    public async Task Vars_NotAUrl_IsOneLineAndExit2()
    {
        var (exit, stdout, stderr) = await RunAsync("vars", "ftp://example.invalid/vars");

        AssertOneLineUsageError(exit, stdout, stderr);
    }

    private static void AssertOneLineUsageError(int exit, string stdout, string stderr)
    {
        Assert.Equal(HeadroomApp.UsageError, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("headroom: ", stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    private static Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args) => CliRun.RunAsync(args);
}
