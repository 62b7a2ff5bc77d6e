using System.Net;
using Headroom.Processes;
using Headroom.Tests.Support;

namespace Headroom.Tests.SalesApi;

/// <summary>Start-up and shutdown of the sample: flags, key file, the data folder, SIGTERM.</summary>
public sealed class SalesApiLifecycleTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("headroom-sales-life-").FullName;

    [Fact]
    public async Task Sigterm_StopsGracefullyWithExit0()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var service = await SalesApiProcess.StartAsync(Path.Combine(_folder, "data"), [], ct);

        var exit = await service.StopAsync();

        Assert.Equal(0, exit);
        Assert.Contains("sales-api: stopped", service.Output);
    }

    [Fact]
    public async Task FirstStart_CreatesDatabaseAndKey_SecondStartReusesBoth()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Path.Combine(_folder, "data");
        await using (var first = await SalesApiProcess.StartAsync(data, [], ct))
        {
            await first.StopAsync();
        }
        var key = await File.ReadAllTextAsync(Path.Combine(data, "keys", SalesApiFixture.DefaultKid + ".pem"), ct);
        Assert.True(File.Exists(Path.Combine(data, "sales.db")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "keys", SalesApiFixture.DefaultKid + ".pem")));
        }

        await using var second = await SalesApiProcess.StartAsync(data, [], ct);
        using var http = new HttpClient();
        using var ready = await http.GetAsync(new Uri(second.Api, "/v1/readiness"), ct);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(key, await File.ReadAllTextAsync(Path.Combine(data, "keys", SalesApiFixture.DefaultKid + ".pem"), ct));
    }

    [Theory]
    [InlineData("--no-such-flag")]
    [InlineData("--api-port", "70000")]
    [InlineData("--keys-path", "/nonexistent/key.pem")]
    [InlineData("--active-kid", "../escape")]
    public async Task BadSetting_ExitsWithCode2AndOneLine(params string[] args)
    {
        var result = await ProcessRunner.RunAsync(new ProcessSpec("dotnet",
            [SampleBinaries.SalesApiDll, "--data-dir", Path.Combine(_folder, "data"), "--api-port", $"{FreePort.Next()}", "--debug-port", $"{FreePort.Next()}", .. args])
            { Timeout = TimeSpan.FromSeconds(60) }, TestContext.Current.CancellationToken);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.StartsWith("sales-api: ", result.StandardError);
        Assert.Single(result.StandardError.TrimEnd('\n').Split('\n'));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
