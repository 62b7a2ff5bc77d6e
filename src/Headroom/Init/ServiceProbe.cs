using Headroom.Processes;
using Headroom.Specs;

namespace Headroom.Init;

/// <summary>What <c>headroom init</c> saw of a service started once without a limit.</summary>
/// <param name="Ports">The TCP ports its process tree listened on.</param>
/// <param name="ReadyUrl">The first readiness-like URL that answered 2xx, or null.</param>
/// <param name="StatsUrl">An expvar or Prometheus URL that answered 2xx, or null.</param>
/// <param name="Runtime">The runtime guessed from its mappings and executable, or null.</param>
public sealed record ServiceFacts(IReadOnlyList<int> Ports, Uri? ReadyUrl, Uri? StatsUrl, TargetRuntime? Runtime);

/// <summary>
/// Starts the command once, unlimited, waits for it to listen, and learns what a spec needs: its ports, a readiness
/// URL that answers, a stats URL, its runtime. Stops it (SIGTERM, then the tree is killed) whatever happens.
/// </summary>
public static class ServiceProbe
{
    /// <summary>Paths tried for readiness, in order: the common health endpoints, then the root.</summary>
    public static readonly IReadOnlyList<string> ReadyPaths =
        ["/ready", "/readyz", "/health/ready", "/readiness", "/v1/readiness", "/healthz", "/health", "/v1/health", "/"];

    public static readonly IReadOnlyList<string> StatsPaths = ["/debug/vars", "/metrics"];

    /// <exception cref="UserInputException">It exited, or listened on nothing within <paramref name="timeout"/>.</exception>
    public static async Task<ServiceFacts> ProbeAsync(IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var spec = new ProcessSpec(command[0], command.Skip(1).ToList()) { GracePeriod = TimeSpan.FromSeconds(3), MaxCapturedChars = 16_000 };
        RunningProcess process;
        try
        {
            process = ProcessRunner.Start(spec);
        }
        catch (ProcessStartException e)
        {
            throw new UserInputException($"could not start {spec.Display}: {e.Message}", e);
        }
        await using (process)
        {
            try
            {
                var ports = await WaitForPortsAsync(process, timeout, cancellationToken);
                // A server may listen before it answers; give its health endpoint a few seconds.
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
                var ready = await FirstAnsweringAsync(http, ports, ReadyPaths, _ => true, TimeSpan.FromSeconds(10), cancellationToken);
                var stats = await FirstAnsweringAsync(http, ports, StatsPaths, IsStats, TimeSpan.Zero, cancellationToken);
                var runtime = RuntimeDetector.Detect(ListeningPorts.ProcessTree(process.Id));
                return new ServiceFacts(ports, ready, stats, runtime);
            }
            finally
            {
                await process.StopAsync(CancellationToken.None);
                RuntimeLeftovers.RemoveFor(process.Id);
            }
        }
    }

    private static async Task<IReadOnlyList<int>> WaitForPortsAsync(RunningProcess process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                var tail = process.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "no output";
                throw new UserInputException($"{process.Spec.Display} exited before it listened on a port ({tail.Trim()}); headroom init needs a service that listens on TCP");
            }
            var ports = ListeningPorts.Of(process.Id);
            if (ports.Count > 0)
            {
                // Give a second port (a debug server) a moment to open too.
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                return ListeningPorts.Of(process.Id);
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new UserInputException($"{process.Spec.Display} listened on no TCP port within {timeout.TotalSeconds:0} s; give it the port to listen on, or --wait longer");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>An expvar document is a JSON object; Prometheus text has # TYPE or # HELP lines. A catch-all 200 is neither.</summary>
    private static bool IsStats(string body) =>
        body.TrimStart().StartsWith('{') || body.Contains("# TYPE ", StringComparison.Ordinal) || body.Contains("# HELP ", StringComparison.Ordinal);

    private static async Task<Uri?> FirstAnsweringAsync(
        HttpClient http, IReadOnlyList<int> ports, IReadOnlyList<string> paths, Func<string, bool> accept, TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + patience;
        do
        {
            foreach (var port in ports)
            {
                foreach (var path in paths)
                {
                    var url = new Uri($"http://127.0.0.1:{port}{path}");
                    try
                    {
                        using var response = await http.GetAsync(url, cancellationToken);
                        if (response.IsSuccessStatusCode && accept(await response.Content.ReadAsStringAsync(cancellationToken)))
                        {
                            return url;
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                    {
                        // Not HTTP on this port, or not answering yet.
                    }
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
        }
        while (DateTime.UtcNow < deadline);
        return null;
    }
}
