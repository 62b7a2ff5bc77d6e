namespace Headroom.Memory.Runtime;

/// <summary>
/// The memory figures a service's runtime reports about itself, read from a Go-style <c>/debug/vars</c> (expvar JSON)
/// or a Prometheus <c>/metrics</c> endpoint. The named properties are the article's figures in Go's terms (null when the
/// endpoint does not report them); <see cref="Other"/> holds every other memory figure found, by its name on the
/// endpoint (<c>memstats.StackSys</c>, <c>dotnet.HeapSizeBytes</c>, <c>process_resident_memory_bytes</c>,
/// <c>dotnet_collection_count_total{generation="0"}</c>).
/// </summary>
/// <param name="Format"><c>expvar</c> or <c>prometheus</c>.</param>
/// <param name="Goroutines">Goroutines; for .NET the thread count, its closest figure.</param>
/// <param name="Sys">Bytes the runtime obtained from the OS (Go <c>Sys</c>; .NET: process private memory).</param>
/// <param name="HeapAlloc">Bytes of allocated heap objects not yet freed.</param>
/// <param name="HeapSys">Bytes of heap memory obtained from the OS (.NET: GC committed bytes).</param>
/// <param name="HeapInuse">Bytes in in-use heap spans.</param>
/// <param name="NumGC">Completed GC cycles.</param>
/// <param name="PauseTotalNs">Total GC pause time in nanoseconds.</param>
/// <param name="Other">Every other memory figure found, by name; byte figures in bytes.</param>
public sealed record RuntimeMemorySnapshot(
    string Format,
    long? Goroutines,
    long? Sys,
    long? HeapAlloc,
    long? HeapSys,
    long? HeapInuse,
    long? NumGC,
    long? PauseTotalNs,
    IReadOnlyDictionary<string, double> Other)
{
    public const string ExpvarFormat = "expvar";
    public const string PrometheusFormat = "prometheus";
}
