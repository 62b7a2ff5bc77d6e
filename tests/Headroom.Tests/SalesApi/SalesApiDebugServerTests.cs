using System.Net;
using System.Text.Json;
using Headroom.Memory.Runtime;

namespace Headroom.Tests.SalesApi;

/// <summary>The debug server: expvar-shaped /debug/vars and Prometheus /metrics, both moving under load.</summary>
public sealed class SalesApiDebugServerTests(SqliteSalesApiFixture fixture) : IClassFixture<SqliteSalesApiFixture>
{
    private static readonly string[] Memstats = ["Sys", "HeapAlloc", "HeapSys", "HeapInuse", "NumGC", "PauseTotalNs"];

    [Fact]
    public async Task DebugVars_HasEveryDocumentedField()
    {
        using var vars = await VarsAsync();
        var root = vars.RootElement;

        Assert.True(root.GetProperty("goroutines").GetInt64() > 0);
        var memstats = root.GetProperty("memstats");
        foreach (var name in Memstats)
        {
            Assert.Equal(JsonValueKind.Number, memstats.GetProperty(name).ValueKind);
        }
        Assert.True(memstats.GetProperty("Sys").GetInt64() > 0);
        Assert.True(memstats.GetProperty("HeapAlloc").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("requests").ValueKind);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("errors").ValueKind);
        var dotnet = root.GetProperty("dotnet");
        // Without a limit the runtime sees the machine's memory (or its cgroup's limit): never 0.
        Assert.True(dotnet.GetProperty("TotalAvailableMemoryBytes").GetInt64() > 0);
        foreach (var name in new[] { "HeapSizeBytes", "TotalCommittedBytes", "FragmentedBytes", "PauseTimePercentage", "CollectionCountGen0", "CollectionCountGen1", "CollectionCountGen2" })
        {
            Assert.Equal(JsonValueKind.Number, dotnet.GetProperty(name).ValueKind);
        }
    }

    [Fact]
    public async Task DebugVars_AfterLoad_FiguresAreNonZeroAndHaveMoved()
    {
        using var before = await VarsAsync();
        var token = await fixture.TokenAsync(SalesApiFixture.AdminEmail);

        const int requests = 3000;
        var failures = await LoadAsync(token, requests, concurrency: 10);

        using var after = await VarsAsync();
        Assert.Equal(0, failures);
        var (b, a) = (before.RootElement, after.RootElement);
        Assert.True(a.GetProperty("requests").GetInt64() - b.GetProperty("requests").GetInt64() >= requests);
        var memstats = a.GetProperty("memstats");
        foreach (var name in Memstats)
        {
            Assert.True(memstats.GetProperty(name).GetInt64() > 0, $"memstats.{name} is 0 after {requests} requests");
        }
        Assert.True(memstats.GetProperty("NumGC").GetInt64() > b.GetProperty("memstats").GetProperty("NumGC").GetInt64(), "no GC during the load");
        Assert.True(memstats.GetProperty("TotalAlloc").GetInt64() > b.GetProperty("memstats").GetProperty("TotalAlloc").GetInt64());
    }

    [Fact]
    public async Task DebugVars_ErrorsCountTheApiErrorAnswers()
    {
        using var before = await VarsAsync();
        using (await fixture.GetAsync("/v1/users?page=1&rows=2"))
        {
        }
        using var after = await VarsAsync();

        Assert.Equal(before.RootElement.GetProperty("errors").GetInt64() + 1, after.RootElement.GetProperty("errors").GetInt64());
    }

    [Fact]
    public async Task Metrics_ParsesAsPrometheusTextWithRuntimeMemory()
    {
        using var response = await fixture.GetAsync("/metrics", server: fixture.Service.Debug);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var samples = PrometheusTextParser.TryParse(body, out var badLine);
        Assert.True(samples is not null, $"not Prometheus text at: {badLine}");
        Assert.Contains(samples, s => s.Name == "process_private_memory_bytes" && s.Value > 0);
        Assert.Contains(samples, s => s.Name == "dotnet_total_memory_bytes" && s.Value > 0);
        var snapshot = RuntimeStatsReader.Parse(body, response.Content.Headers.ContentType?.ToString());
        Assert.True(snapshot.HeapAlloc > 0);
        Assert.True(snapshot.Goroutines > 0);
    }

    [Theory]
    [InlineData("/debug/vars")]
    [InlineData("/metrics")]
    public async Task DebugPaths_OnTheApiPort_Are404(string path)
    {
        using var response = await fixture.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ApiPaths_OnTheDebugPort_Are404()
    {
        using var response = await fixture.GetAsync("/v1/liveness", server: fixture.Service.Debug);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<JsonDocument> VarsAsync()
    {
        using var response = await fixture.GetAsync("/debug/vars", server: fixture.Service.Debug);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>The article's load, bounded: <paramref name="count"/> GETs of /v1/users from <paramref name="concurrency"/> workers.</summary>
    private async Task<int> LoadAsync(string token, int count, int concurrency)
    {
        var remaining = count;
        var failures = 0;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                using var response = await fixture.GetAsync("/v1/users?page=1&rows=2", SalesApiFixture.Bearer(token));
                await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });
        await Task.WhenAll(workers);
        return failures;
    }
}
