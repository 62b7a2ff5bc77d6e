namespace Headroom.Memory.Runtime;

/// <summary>
/// Picks the memory figures out of Prometheus text. Go's client_golang names map one to one onto memstats;
/// a .NET service (prometheus-net's <c>dotnet_*</c> / <c>process_*</c> collectors and the runtime's own
/// <c>System.Runtime</c> meter) is mapped the way the sample service maps its expvar, so both endpoints of one
/// service say the same thing.
/// </summary>
internal static class PrometheusMemoryParser
{
    private const double NanosecondsPerSecond = 1e9;

    public static RuntimeMemorySnapshot Parse(string body)
    {
        var samples = PrometheusTextParser.TryParse(body, out var badLine);
        if (samples is null)
        {
            throw new UserInputException($"the body is neither expvar JSON nor Prometheus text (cannot read the line '{badLine}')");
        }
        if (samples.Count == 0)
        {
            throw new UserInputException("the body is empty or only comments; give the URL of a /debug/vars or /metrics endpoint");
        }

        var used = new HashSet<PrometheusSample>();
        long? Pick(params Func<long?>[] choices) => choices.Select(choice => choice()).FirstOrDefault(v => v is not null);
        long? One(string name, double scale = 1)
        {
            var sample = samples.FirstOrDefault(s => s.Name == name && s.Labels.Count == 0);
            if (sample is null || !double.IsFinite(sample.Value))
            {
                return null;
            }
            used.Add(sample);
            return (long)Math.Round(sample.Value * scale);
        }
        long? Sum(string name, double scale = 1)
        {
            var matching = samples.Where(s => s.Name == name && double.IsFinite(s.Value)).ToList();
            if (matching.Count == 0)
            {
                return null;
            }
            used.UnionWith(matching);
            return (long)Math.Round(matching.Sum(s => s.Value) * scale);
        }
        long? Labelled(string name, string label, string value)
        {
            var sample = samples.FirstOrDefault(s => s.Name == name && s.Label(label) == value);
            if (sample is null)
            {
                return null;
            }
            used.Add(sample);
            return (long)Math.Round(sample.Value);
        }

        // Fallbacks in order: Go's client_golang; prometheus-net's own collectors; the runtime's System.Runtime meter as
        // prometheus-net exports it (system_runtime_dotnet_*); the same meter as OpenTelemetry's exporter names it.
        var snapshot = new RuntimeMemorySnapshot(
            RuntimeMemorySnapshot.PrometheusFormat,
            Goroutines: Pick(() => One("go_goroutines"), () => One("process_num_threads")),
            Sys: Pick(() => One("go_memstats_sys_bytes"), () => One("process_private_memory_bytes")),
            HeapAlloc: Pick(() => One("go_memstats_heap_alloc_bytes"), () => One("dotnet_total_memory_bytes")),
            HeapSys: Pick(() => One("go_memstats_heap_sys_bytes"),
                () => One("system_runtime_dotnet_gc_last_collection_memory_committed_size"),
                () => One("dotnet_gc_last_collection_memory_committed_size_bytes")),
            HeapInuse: Pick(() => One("go_memstats_heap_inuse_bytes"),
                () => Sum("system_runtime_dotnet_gc_last_collection_heap_size"),
                () => Sum("dotnet_gc_last_collection_heap_size_bytes")),
            // GC.CollectionCount(0) counts every collection (a gen-2 GC collects gen 0 too); the meter counts each
            // generation's collections apart, so those add up.
            NumGC: Pick(() => One("go_gc_duration_seconds_count"),
                () => Labelled("dotnet_collection_count_total", "generation", "0"),
                () => Sum("system_runtime_dotnet_gc_collections"),
                () => Sum("dotnet_gc_collections_total")),
            PauseTotalNs: Pick(() => One("go_gc_duration_seconds_sum", NanosecondsPerSecond),
                () => One("system_runtime_dotnet_gc_pause_time", NanosecondsPerSecond),
                () => One("dotnet_gc_pause_time_seconds_total", NanosecondsPerSecond)),
            Other: samples
                .Where(s => !used.Contains(s) && IsMemoryFigure(s))
                .GroupBy(s => s.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal)
                .ToSorted());

        if (used.Count == 0 && snapshot.Other.Count == 0)
        {
            throw new UserInputException(
                "the body is Prometheus text without memory metrics (go_memstats_*, process_*_memory_bytes, dotnet_*); is it the service's own /metrics?");
        }
        return snapshot;
    }

    private static SortedDictionary<string, double> ToSorted(this Dictionary<string, double> figures) => new(figures, StringComparer.Ordinal);

    private static bool IsMemoryFigure(PrometheusSample sample)
    {
        // Quantiles and histogram buckets are distributions, not amounts.
        if (sample.Label("quantile") is not null || sample.Label("le") is not null || sample.Name.EndsWith("_bucket", StringComparison.Ordinal))
        {
            return false;
        }
        var name = sample.Name;
        return name.StartsWith("go_memstats_", StringComparison.Ordinal)
            || name.StartsWith("go_gc_", StringComparison.Ordinal)
            || name is "go_threads"
            || name.StartsWith("dotnet_", StringComparison.Ordinal)
            || (name.StartsWith("system_runtime_dotnet_", StringComparison.Ordinal)
                && (name.Contains("_gc_", StringComparison.Ordinal) || name.Contains("memory", StringComparison.Ordinal) || name.Contains("thread_count", StringComparison.Ordinal)))
            || (name.StartsWith("process_", StringComparison.Ordinal)
                && (name.Contains("memory", StringComparison.Ordinal) || name.Contains("bytes", StringComparison.Ordinal) || name.Contains("threads", StringComparison.Ordinal)));
    }
}
