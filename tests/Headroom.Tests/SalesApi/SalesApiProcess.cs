using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Headroom.Tests.Support;

namespace Headroom.Tests.SalesApi;

/// <summary>The built sample service running as a real child process on 127.0.0.1, on ports picked for it.</summary>
internal sealed class SalesApiProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private SalesApiProcess(Process process, ConcurrentQueue<string> output, int apiPort, int debugPort)
    {
        _process = process;
        _output = output;
        Api = new Uri($"http://127.0.0.1:{apiPort}");
        Debug = new Uri($"http://127.0.0.1:{debugPort}");
    }

    public Uri Api { get; }
    public Uri Debug { get; }
    public string Output => string.Join('\n', _output);
    public Process Process => _process;

    /// <summary>Starts the service with <paramref name="extraArgs"/> and returns once <c>/v1/readiness</c> answers 200.</summary>
    public static async Task<SalesApiProcess> StartAsync(string dataDir, IEnumerable<string> extraArgs, CancellationToken ct)
    {
        var apiPort = FreePort.Next();
        var debugPort = FreePort.Next();
        string[] args =
        [
            RepositoryPaths.SalesApiDll, "--api-host", "127.0.0.1", "--api-port", $"{apiPort}",
            "--debug-port", $"{debugPort}", "--data-dir", dataDir, .. extraArgs,
        ];
        // Only what the service reads: no SALES_* from the developer's shell leaks into the tests.
        var environment = new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("SALES_", StringComparison.Ordinal)))
        {
            environment[name] = "";
        }
        var process = ChildProcess.Start("dotnet", args, out var output, environment);
        var service = new SalesApiProcess(process, output, apiPort, debugPort);
        try
        {
            await service.WaitUntilReadyAsync(ct);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the sample exited with {_process.ExitCode} before it was ready:\n{Output}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(Api, "/v1/readiness"), ct);
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
        throw new TimeoutException($"the sample was not ready within {ReadyTimeout.TotalSeconds} s:\n{Output}");
    }

    /// <summary>SIGTERM, then waits for a graceful exit; kills it if it does not stop in time.</summary>
    public async Task<int> StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            ChildProcess.Terminate(_process);
            using var wait = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
