using System.Diagnostics;
using System.Net;

namespace Headroom.Tests.SalesApi;

/// <summary>The built sample service running as a real child process on 127.0.0.1, on ports picked for it.</summary>
internal sealed class SalesApiProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly RunningProcess _process;

    private SalesApiProcess(RunningProcess process, int apiPort, int debugPort)
    {
        _process = process;
        Api = new Uri($"http://127.0.0.1:{apiPort}");
        Debug = new Uri($"http://127.0.0.1:{debugPort}");
    }

    public Uri Api { get; }
    public Uri Debug { get; }
    public string Output => _process.StandardOutput + _process.StandardError;
    public int Pid => _process.Id;

    /// <summary>Starts the service with <paramref name="extraArgs"/> and returns once <c>/v1/readiness</c> answers 200.</summary>
    public static async Task<SalesApiProcess> StartAsync(string dataDir, IEnumerable<string> extraArgs, CancellationToken ct)
    {
        var apiPort = FreePort.Next();
        var debugPort = FreePort.Next();
        string[] args =
        [
            SampleBinaries.SalesApiDll, "--api-host", "127.0.0.1", "--api-port", $"{apiPort}",
            "--debug-port", $"{debugPort}", "--data-dir", dataDir, .. extraArgs,
        ];
        // No SALES_* setting from the developer's shell leaks into the tests.
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(n => n.StartsWith("SALES_", StringComparison.Ordinal))
            .ToDictionary(n => n, string? (_) => null);
        var process = ProcessRunner.Start(new ProcessSpec("dotnet", args) { Environment = environment, GracePeriod = TimeSpan.FromSeconds(20) });
        var service = new SalesApiProcess(process, apiPort, debugPort);
        try
        {
            await WaitUntilReadyAsync(process, service.Api, ct);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls <c>/v1/readiness</c> until it answers 200; fails at once when the process has exited.</summary>
    internal static async Task WaitUntilReadyAsync(RunningProcess process, Uri api, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyTimeout)
        {
            if (process.HasExited)
            {
                var result = await process.WaitForExitAsync(ct);
                throw new InvalidOperationException($"the sample exited with {result.ExitCode} before it was ready:\n{result.StandardOutput}{result.StandardError}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(api, "/v1/readiness"), ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            await Task.Delay(100, ct);
        }
        throw new TimeoutException($"the sample was not ready within {ReadyTimeout.TotalSeconds} s:\n{process.StandardOutput}{process.StandardError}");
    }

    /// <summary>SIGTERM, then waits for a graceful exit (the process tree is killed past 20 s); the exit code.</summary>
    public async Task<int> StopAsync() => (await _process.StopAsync(CancellationToken.None)).ExitCode;

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
