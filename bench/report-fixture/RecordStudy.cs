#:project ../../src/Headroom/Headroom.csproj
#:property PublishAot=false
// Records a small real study of the Go sample into a study folder, for the HTML report's tests and screenshots:
//   dotnet run bench/report-fixture/RecordStudy.cs -- <output folder> [requests]
// Every trial runs under a real cgroup limit with the local runner; the load is a minimal closed-loop HTTP client
// (10 workers, the article's token + /v1/users request) so the recording does not depend on the load branch.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Headroom.Experiments;
using Headroom.Memory;
using Headroom.Runners;
using Headroom.Runners.Local;
using Headroom.Specs;
using Headroom.Targets;
using Headroom.Trials;

var folder = Path.GetFullPath(args.Length > 0 ? args[0] : "headroom-results/report-fixture");
var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5000;
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

var build = GoSampleBuild.FromDirectory(Directory.GetCurrentDirectory());
var binary = await build.EnsureBuiltAsync(cancel.Token);
// One signing key for every trial: generating it at each start would measure RSA key generation, not the service.
var key = Path.Combine(Directory.CreateTempSubdirectory("headroom-fixture-key-").FullName, "signing.pem");
using (var rsa = System.Security.Cryptography.RSA.Create(2048))
{
    await File.WriteAllTextAsync(key, rsa.ExportRSAPrivateKeyPem(), cancel.Token);
}
var executor = new StartFailedExecutor(new LocalTrialExecutor(new GoSampleTarget(binary, key), new UsersLoad(requests, 10), new LocalRunnerOptions()));
var spec = new StudySpec
{
    Name = "go-sales-api",
    Load = string.Create(CultureInfo.InvariantCulture, $"-c 10 -n {requests}"),
    Runtime = TargetRuntime.Go,
    Repeats = 2,
};
var plan = new StudyPlan(spec.Name, spec, StudyPhases.All);
var progress = new Progress<StudyProgress>(p => Console.WriteLine($"{p.Phase} {p.Trial}/{p.EstimatedTotal}: {p.Description}"));
var study = new Study(executor, StudyFolder.Open(folder))
{
    SaveSamples = async (trial, path, cancellationToken) =>
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await SampleSeries.WriteAsync(path, trial.Details.Samples, cancellationToken);
    },
};
var result = await study.RunAsync(plan, progress, cancel.Token);
Console.WriteLine($"survival edge {result.Edge?.SurvivalEdge}, healthy edge {result.Edge?.HealthyEdge}, floor {result.Floor?.Floor?.Limit}, {result.TrialsRun} trials in {result.Elapsed}");

/// <summary>Records a target that never became ready as start-failed (the runner of this recording threw instead).</summary>
sealed class StartFailedExecutor(ITrialExecutor inner) : ITrialExecutor
{
    public async Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        TrialResult result;
        var wall = Stopwatch.StartNew();
        try
        {
            result = await inner.RunAsync(request, progress, cancellationToken);
        }
        catch (Headroom.UserInputException e) when (e.Message.Contains("never answered", StringComparison.Ordinal))
        {
            return new TrialResult(request, TrialOutcome.StartFailed, e.Message, null, new TrialMemorySummary(null, null, null, null, null, null, null, null), 0, wall.Elapsed);
        }
        return result;
    }
}

/// <summary>The Go sample on two free loopback ports, a fresh data folder per trial.</summary>
sealed class GoSampleTarget(string binary, string key) : ITargetDefinition
{
    public string Describe() => binary;

    public Task<TargetLaunch> PrepareAsync(CancellationToken cancellationToken)
    {
        var api = FreePort();
        var debug = FreePort();
        var data = Directory.CreateTempSubdirectory("headroom-fixture-").FullName;
        return Task.FromResult(new TargetLaunch([binary, "--api-host", "127.0.0.1", "--api-port", $"{api}", "--debug-port", $"{debug}", "--data-dir", data, "--keys-path", key])
        {
            ReadyUrl = new Uri($"http://127.0.0.1:{api}/v1/readiness"),
            StatsUrl = new Uri($"http://127.0.0.1:{debug}/debug/vars"),
            ScratchDirectory = data,
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The article's load: a token, then <c>requests</c> GETs of /v1/users by <c>workers</c> closed loops.</summary>
sealed class UsersLoad(int requests, int workers) : ITrialLoad
{
    public string Describe() => $"-c {workers} -n {requests} GET /v1/users";

    public async Task<TrialLoadRun> RunAsync(TargetLaunch target, IProgress<long> completed, CancellationToken cancellationToken)
    {
        var root = new Uri(target.ReadyUrl!, "/");
        using var http = new HttpClient { BaseAddress = root, Timeout = TimeSpan.FromSeconds(10) };
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, "/v1/users/token/54bb2165-71e1-41a6-af3e-7da4a0e1e2c1");
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin@example.com:gophers"u8.ToArray()));
        using var tokenResponse = await http.SendAsync(tokenRequest, cancellationToken);
        var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync(cancellationToken)).RootElement.GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var latencies = new ConcurrentBag<TimeSpan>();
        long next = 0, done = 0, errors = 0;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= requests)
            {
                var one = Stopwatch.StartNew();
                try
                {
                    using var response = await http.GetAsync("/v1/users?page=1&rows=2", cancellationToken);
                    await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies.Add(one.Elapsed);
                completed.Report(Interlocked.Increment(ref done));
            }
        }));
        var sorted = latencies.Order().ToArray();
        var summary = new TrialLoadSummary(
            sorted.Length, sorted.Length - errors, errors, sorted.Length / wall.Elapsed.TotalSeconds,
            TimeSpan.FromTicks((long)sorted.Average(l => l.Ticks)), sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1], sorted[^1], wall.Elapsed);
        return new TrialLoadRun(summary, $"{sorted.Length} requests, {summary.RequestsPerSecond:0.0} req/s, p99 {summary.P99Latency.TotalMilliseconds:0.0} ms");
    }
}
