using Headroom.Memory;
using Headroom.Memory.Runtime;

namespace Headroom.Tests.Memory.Runtime;

public class RuntimeStatsReaderParseTests
{
    [Fact]
    public void Parse_GoExpvar_ReadsMemstatsAndGoroutines()
    {
        var snapshot = RuntimeStatsReader.Parse(RecordedBodies.Read("go-expvar.json"), "application/json");

        AssertNamed(snapshot, "expvar", 3, 17284112, 191376, 8093696, 786432, 2, 12790);
        Assert.Equal(7274496, snapshot.Other["memstats.HeapReleased"]);
        Assert.Equal(294912, snapshot.Other["memstats.StackSys"]);
        // The named figures are not repeated among the others, and arrays (PauseNs, BySize) are not figures.
        Assert.DoesNotContain("memstats.HeapAlloc", snapshot.Other.Keys);
        Assert.DoesNotContain("memstats.PauseNs", snapshot.Other.Keys);
        Assert.DoesNotContain("memstats.BySize", snapshot.Other.Keys);
    }

    [Fact]
    public void Parse_ExpvarServedAsTextPlain_IsStillReadAsJson()
    {
        var snapshot = RuntimeStatsReader.Parse(RecordedBodies.Read("go-expvar.json"), "text/plain");

        Assert.Equal("expvar", snapshot.Format);
        Assert.Equal(17284112, snapshot.Sys);
    }

    [Fact]
    public void Parse_DotnetExpvar_FlattensTheDotnetObjectIntoOthers()
    {
        const string body = """
            {"goroutines":27,"memstats":{"Sys":151175168,"HeapAlloc":5842392,"HeapSys":12582912,"HeapInuse":7340032,"NumGC":19,"PauseTotalNs":48213000},
             "dotnet":{"HeapSizeBytes":7340032,"TotalAvailableMemoryBytes":19327352832,"PauseTimePercentage":0.42,"Generations":{"Gen0":{"SizeAfterBytes":1024}}},
             "requests":1000,"errors":0}
            """;

        var snapshot = RuntimeStatsReader.Parse(body, "application/json");

        Assert.Equal(27, snapshot.Goroutines);
        Assert.Equal(48213000, snapshot.PauseTotalNs);
        Assert.Equal(19327352832, snapshot.Other["dotnet.TotalAvailableMemoryBytes"]);
        Assert.Equal(0.42, snapshot.Other["dotnet.PauseTimePercentage"]);
        Assert.Equal(1024, snapshot.Other["dotnet.Generations.Gen0.SizeAfterBytes"]);
        Assert.DoesNotContain("requests", snapshot.Other.Keys);
    }

    [Fact]
    public void Parse_GoSampleExpvar_KeepsTheRuntimesMemoryLimit()
    {
        const string body = """
            {"goroutines":7,"memstats":{"Sys":19505160,"HeapAlloc":1572864,"HeapSys":7864320},"memlimit":33554432,"requests":1000,"errors":0}
            """;

        var figures = RuntimeStatsParsing.Parse(body, "application/json");

        Assert.Equal(33554432, figures.MemoryLimitBytes);
    }

    [Fact]
    public void Parse_GoSampleExpvarWithoutGomemlimit_ReportsNoLimitAsMaxValue()
    {
        // Go's default limit is math.MaxInt64, which JSON carries as 9223372036854775807.
        const string body = """{"goroutines":7,"memstats":{"Sys":19505160},"memlimit":9223372036854775807}""";

        Assert.Equal(long.MaxValue, RuntimeStatsParsing.Parse(body, "application/json").MemoryLimitBytes);
    }

    [Fact]
    public void Parse_GoClientPrometheusText_MapsGoMemstatsNames()
    {
        var snapshot = RuntimeStatsReader.Parse(RecordedBodies.Read("go-client-golang.txt"), "text/plain; version=0.0.4");

        AssertNamed(snapshot, "prometheus", 13, 23418120, 7065200, 16056320, 9330688, 121, 6891209);
        Assert.Equal(17981824, snapshot.Other["process_resident_memory_bytes"]);
        Assert.Equal(851968, snapshot.Other["go_memstats_stack_sys_bytes"]);
        Assert.Equal(8, snapshot.Other["go_threads"]);
        Assert.DoesNotContain(snapshot.Other.Keys, k => k.Contains("quantile", StringComparison.Ordinal));
        Assert.DoesNotContain(snapshot.Other.Keys, k => k.StartsWith("promhttp_", StringComparison.Ordinal));
        Assert.DoesNotContain("go_memstats_sys_bytes", snapshot.Other.Keys);
    }

    [Fact]
    public void Parse_PrometheusNetTextFromTheSample_MapsDotnetNamesLikeTheSampleExpvar()
    {
        var snapshot = RuntimeStatsReader.Parse(RecordedBodies.Read("prometheus-net.txt"), "text/plain; version=0.0.4; charset=utf-8");

        // The meter's per-generation heap sizes add up to GCMemoryInfo.HeapSizeBytes, the sample's expvar HeapInuse.
        AssertNamed(snapshot, "prometheus", 20, 163516416, 2926080, 4820992, 175872 + 54984 + 927680 + 0 + 83256, 6, 12933000);
        Assert.Equal(95674368, snapshot.Other["process_working_set_bytes"]);
        Assert.Equal(1, snapshot.Other["dotnet_collection_count_total{generation=\"1\"}"]);
        Assert.Equal(17355376, snapshot.Other["system_runtime_dotnet_gc_heap_total_allocated"]);
        Assert.DoesNotContain(snapshot.Other.Keys, k => k.Contains("jit", StringComparison.Ordinal));
        Assert.DoesNotContain("process_start_time_seconds", snapshot.Other.Keys);
    }

    [Fact]
    public void Parse_LabelValuesWithEscapesAndSpecialValues_AreRead()
    {
        const string body = """
            # TYPE dotnet_gc_heap_size_bytes gauge
            dotnet_gc_heap_size_bytes{gen="a \"quoted\", comma",other="x\\y"} 1.5e3 1764345081000
            go_memstats_heap_alloc_bytes NaN
            go_memstats_sys_bytes +Inf
            """;

        var snapshot = RuntimeStatsReader.Parse(body, null);

        Assert.Equal(1500, snapshot.Other["dotnet_gc_heap_size_bytes{gen=\"a \"quoted\", comma\",other=\"x\\y\"}"]);
        Assert.Null(snapshot.HeapAlloc);
        Assert.Null(snapshot.Sys);
    }

    [Theory]
    [InlineData("<html><body>Not here</body></html>", "text/html")]
    [InlineData("OK", "text/plain")]
    [InlineData("{\"goroutines\": 3", "application/json")]
    [InlineData("[1, 2, 3]", "application/json")]
    [InlineData("{\"status\":\"ok\"}", "application/json")]
    [InlineData("", "text/plain")]
    [InlineData("# HELP only comments\n", "text/plain")]
    [InlineData("http_requests_total{code=\"200\"} 10\n", "text/plain")]
    [InlineData("go_goroutines 13 14 15\n", "text/plain")]
    [InlineData("go_goroutines{code=\"200} 13\n", "text/plain")]
    public void Parse_BodyInNeitherFormat_ThrowsOneLineUserInput(string body, string contentType)
    {
        var error = Assert.Throws<UserInputException>(() => RuntimeStatsReader.Parse(body, contentType));

        Assert.DoesNotContain('\n', error.Message);
        Assert.NotEmpty(error.Message);
    }

    /// <summary>The figures every format names: format, goroutines, Sys, HeapAlloc, HeapSys, HeapInuse, NumGC, PauseTotalNs.</summary>
    private static void AssertNamed(
        RuntimeMemorySnapshot snapshot, string format, long goroutines, long sys, long heapAlloc, long heapSys, long heapInuse, long numGc, long pauseTotalNs)
    {
        Assert.Equal(format, snapshot.Format);
        Assert.Equal(goroutines, snapshot.Goroutines);
        Assert.Equal(sys, snapshot.Sys);
        Assert.Equal(heapAlloc, snapshot.HeapAlloc);
        Assert.Equal(heapSys, snapshot.HeapSys);
        Assert.Equal(heapInuse, snapshot.HeapInuse);
        Assert.Equal(numGc, snapshot.NumGC);
        Assert.Equal(pauseTotalNs, snapshot.PauseTotalNs);
    }
}
