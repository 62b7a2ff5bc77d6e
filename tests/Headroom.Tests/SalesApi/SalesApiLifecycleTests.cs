using System.Net;

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

    [Fact]
    public async Task EnvironmentVariables_ConfigureAddressesDataAndKid()
    {
        var ct = TestContext.Current.CancellationToken;
        var (apiPort, debugPort) = (FreePort.Next(), FreePort.Next());
        var data = Path.Combine(_folder, "env-data");
        var spec = new ProcessSpec("dotnet", [SampleBinaries.SalesApiDll])
        {
            Environment = new Dictionary<string, string?>
            {
                ["SALES_API_HOST"] = "127.0.0.1",
                ["SALES_API_PORT"] = $"{apiPort}",
                ["SALES_DEBUG_HOST"] = "127.0.0.1",
                ["SALES_DEBUG_PORT"] = $"{debugPort}",
                ["SALES_DATA_DIR"] = data,
                ["SALES_DB_POSTGRES"] = "",
                ["SALES_KEYS_PATH"] = "",
                ["SALES_ACTIVE_KID"] = "test-kid",
            },
            GracePeriod = TimeSpan.FromSeconds(20),
        };
        await using var service = ProcessRunner.Start(spec);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var api = new Uri($"http://127.0.0.1:{apiPort}");
        await SalesApiProcess.WaitUntilReadyAsync(service, api, ct);

        using var token = await GetWithBasicAsync(http, new Uri(api, "/v1/users/token/test-kid"), ct);
        using var defaultKid = await GetWithBasicAsync(http, new Uri(api, $"/v1/users/token/{SalesApiFixture.DefaultKid}"), ct);
        using var vars = await http.GetAsync(new Uri($"http://127.0.0.1:{debugPort}/debug/vars"), ct);

        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, defaultKid.StatusCode);
        Assert.Equal(HttpStatusCode.OK, vars.StatusCode);
        Assert.True(File.Exists(Path.Combine(data, "sales.db")));
        Assert.True(File.Exists(Path.Combine(data, "keys", "test-kid.pem")));
    }

    private static async Task<HttpResponseMessage> GetWithBasicAsync(HttpClient http, Uri url, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = SalesApiFixture.Basic(SalesApiFixture.AdminEmail, SalesApiFixture.Password);
        return await http.SendAsync(request, ct);
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
