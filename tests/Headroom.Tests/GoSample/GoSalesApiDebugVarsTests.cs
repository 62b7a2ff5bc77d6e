using System.Net;
using System.Text.Json;

namespace Headroom.Tests.GoSample;

/// <summary>The Go sample's debug server: expvar figures the article reads (Listings 3 and 5), and pprof.</summary>
public sealed class GoSalesApiDebugVarsTests(GoSalesApiFixture api) : IClassFixture<GoSalesApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DebugVars_HasTheArticlesMemstatsAndGoroutines()
    {
        var vars = await api.GetDebugVarsAsync(Ct);

        var memstats = vars.GetProperty("memstats");
        foreach (var name in new[] { "Sys", "HeapAlloc", "HeapSys", "HeapInuse", "NumGC", "TotalAlloc" })
        {
            Assert.Equal(JsonValueKind.Number, memstats.GetProperty(name).ValueKind);
        }
        Assert.True(memstats.GetProperty("Sys").GetInt64() > 0);
        Assert.True(memstats.GetProperty("HeapAlloc").GetInt64() > 0);
        Assert.True(memstats.GetProperty("HeapSys").GetInt64() >= memstats.GetProperty("HeapAlloc").GetInt64());
        Assert.True(memstats.GetProperty("Sys").GetInt64() >= memstats.GetProperty("HeapSys").GetInt64());
        Assert.True(vars.GetProperty("goroutines").GetInt32() > 0);
    }

    [Fact]
    public async Task DebugVars_RequestsAndErrors_CountApiRequests()
    {
        var before = await api.GetDebugVarsAsync(Ct);
        for (var i = 0; i < 5; i++)
        {
            using var ok = await api.Http.GetAsync(new Uri(api.ApiBase, "v1/liveness"), Ct);
        }
        using (var unauthorized = api.UsersRequest("?page=1&rows=2", bearer: null))
        using (await api.Http.SendAsync(unauthorized, Ct))
        {
        }
        var after = await api.GetDebugVarsAsync(Ct);

        // Other tests of this class may run in between, so "at least".
        Assert.True(after.GetProperty("requests").GetInt64() - before.GetProperty("requests").GetInt64() >= 6);
        Assert.True(after.GetProperty("errors").GetInt64() - before.GetProperty("errors").GetInt64() >= 1);
    }

    [Fact]
    public async Task DebugVars_WithoutGomemlimit_ShowsNoLimitAndNoGogc()
    {
        var vars = await api.GetDebugVarsAsync(Ct);
        // The Go runtime's "no limit" is math.MaxInt64.
        Assert.Equal(long.MaxValue, vars.GetProperty("memlimit").GetInt64());
        Assert.Equal("", vars.GetProperty("gogc").GetString());
    }

    [Fact]
    public async Task Pprof_IsServedOnTheDebugPortOnly()
    {
        using var debug = await api.Http.GetAsync(new Uri(api.DebugBase, "debug/pprof/heap?debug=1"), Ct);
        using var onApi = await api.Http.GetAsync(new Uri(api.ApiBase, "debug/pprof/"), Ct);
        Assert.Equal(HttpStatusCode.OK, debug.StatusCode);
        Assert.Contains("heap profile", await debug.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, onApi.StatusCode);
    }
}

/// <summary>The article's knobs reach the Go runtime: what /debug/vars reports is the limit it applies.</summary>
public sealed class GoSalesApiMemoryLimitTests(GoSalesApiWithMemoryLimitFixture api) : IClassFixture<GoSalesApiWithMemoryLimitFixture>
{
    [Fact]
    public async Task DebugVars_WithGomemlimit64MiB_ShowsTheEffectiveLimitAndGogcOff()
    {
        var vars = await api.GetDebugVarsAsync(TestContext.Current.CancellationToken);
        Assert.Equal(64L * 1024 * 1024, vars.GetProperty("memlimit").GetInt64());
        Assert.Equal("off", vars.GetProperty("gogc").GetString());
    }
}
