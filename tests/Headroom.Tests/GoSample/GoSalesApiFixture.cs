using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Headroom.Targets;

namespace Headroom.Tests.GoSample;

/// <summary>
/// Builds the Go sample (when stale), starts it on free ports on 127.0.0.1 with a fresh data directory, waits
/// until it answers its readiness probe, and stops it with SIGTERM when the tests are done.
/// </summary>
public partial class GoSalesApiFixture : IAsyncLifetime
{
    public const string ActiveKid = "54bb2165-71e1-41a6-af3e-7da4a0e1e2c1";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private RunningProcess? _process;
    private DirectoryInfo? _dataDirectory;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };
    public Uri ApiBase { get; private set; } = null!;
    public Uri DebugBase { get; private set; } = null!;
    public string DataDirectory => _dataDirectory!.FullName;

    /// <summary>Where the sample generated its signing key at first start.</summary>
    public string KeyPath => Path.Combine(DataDirectory, "keys", ActiveKid + ".pem");

    /// <summary>Variables a derived fixture adds to the sample's environment.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraEnvironment { get; } = new Dictionary<string, string?>();

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var binary = await GoSampleBuild.FromDirectory(AppContext.BaseDirectory).EnsureBuiltAsync(ct);
        _dataDirectory = Directory.CreateTempSubdirectory("headroom-go-sample-");
        var environment = new Dictionary<string, string?>
        {
            ["SALES_API_HOST"] = "127.0.0.1",
            ["SALES_API_PORT"] = "0",
            ["SALES_DEBUG_HOST"] = "127.0.0.1",
            ["SALES_DEBUG_PORT"] = "0",
            ["SALES_DATA_DIR"] = DataDirectory,
            ["SALES_KEYS_PATH"] = null,
            ["SALES_ACTIVE_KID"] = null,
            // The machine's own Go settings must not leak into what the tests assert about memlimit and gogc.
            ["GOMEMLIMIT"] = null,
            ["GOGC"] = null,
        };
        foreach (var (name, value) in ExtraEnvironment)
        {
            environment[name] = value;
        }

        var startup = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = ProcessRunner.Start(new ProcessSpec(binary, [])
        {
            Environment = environment,
            OnOutputLine = line =>
            {
                var match = StartupLine().Match(line);
                if (match.Success)
                {
                    startup.TrySetResult(match);
                }
            },
        });
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(StartTimeout);
        var exited = _process.WaitForExitAsync(timeout.Token);
        var first = await Task.WhenAny(startup.Task, exited);
        if (first != startup.Task)
        {
            throw new InvalidOperationException($"the Go sample did not start: {_process.StandardError}");
        }
        var ports = await startup.Task;
        ApiBase = new Uri($"http://{ports.Groups["api"].Value}/");
        DebugBase = new Uri($"http://{ports.Groups["debug"].Value}/");
        await WaitUntilReadyAsync(timeout.Token);
    }

    private async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync(new Uri(ApiBase, "v1/readiness"), ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Listening starts a moment after the startup line in the worst case; try again.
            }
            await Task.Delay(50, ct);
        }
    }

    /// <summary>A token from the token endpoint for these credentials.</summary>
    public async Task<string> GetTokenAsync(string email, string password, CancellationToken ct)
    {
        using var request = TokenRequest(ActiveKid, email, password);
        using var response = await Http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return body.GetProperty("token").GetString()!;
    }

    public HttpRequestMessage TokenRequest(string kid, string email, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ApiBase, $"v1/users/token/{kid}"));
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}:{password}")));
        return request;
    }

    public HttpRequestMessage UsersRequest(string query, string? bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ApiBase, $"v1/users{query}"));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return request;
    }

    /// <summary>The debug server's /debug/vars document.</summary>
    public async Task<JsonElement> GetDebugVarsAsync(CancellationToken ct) =>
        await Http.GetFromJsonAsync<JsonElement>(new Uri(DebugBase, "debug/vars"), ct);

    /// <summary>Stops the sample with SIGTERM and returns how it ended (the fixture's disposal then does nothing more).</summary>
    public async Task<ProcessResult> StopAsync(CancellationToken ct) => await _process!.StopAsync(ct);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_process is not null)
            {
                await _process.DisposeAsync();
            }
        }
        finally
        {
            Http.Dispose();
            _dataDirectory?.Delete(recursive: true);
            GC.SuppressFinalize(this);
        }
    }

    [GeneratedRegex(@"startup: api on (?<api>[\d.]+:\d+), debug on (?<debug>[\d.]+:\d+)")]
    private static partial Regex StartupLine();
}

/// <summary>The sample started with the article's knobs: GOMEMLIMIT=64MiB and GOGC=off.</summary>
public sealed class GoSalesApiWithMemoryLimitFixture : GoSalesApiFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraEnvironment { get; } =
        new Dictionary<string, string?> { ["GOMEMLIMIT"] = "64MiB", ["GOGC"] = "off" };
}
