namespace Headroom.Memory;

/// <summary>
/// What the target's runtime says of its own memory at one moment. Go's expvar names (Sys, HeapAlloc, HeapSys) are
/// the article's; .NET's event counters fill the heap and committed figures. Null where the source has no such figure.
/// </summary>
public sealed record RuntimeFigures(string Source)
{
    /// <summary>Everything the runtime got from the OS (Go <c>Sys</c>; .NET: committed GC memory).</summary>
    public long? SysBytes { get; init; }
    /// <summary>Live heap objects (Go <c>HeapAlloc</c>; .NET <c>gc-heap-size</c>).</summary>
    public long? HeapAllocBytes { get; init; }
    /// <summary>Heap address space in use (Go <c>HeapSys</c>; .NET <c>gc-committed</c>).</summary>
    public long? HeapSysBytes { get; init; }
    public long? GcCount { get; init; }
    /// <summary>The process's resident set as the runtime sees it (Prometheus <c>process_resident_memory_bytes</c>, .NET <c>working-set</c>).</summary>
    public long? ResidentBytes { get; init; }
    /// <summary>
    /// The runtime's own memory limit where it publishes one (expvar <c>memlimit</c>: Go's
    /// <c>debug.SetMemoryLimit(-1)</c>, which GOMEMLIMIT sets); long.MaxValue means none.
    /// </summary>
    public long? MemoryLimitBytes { get; init; }
    /// <summary>Goroutines (Go) or thread-pool threads (.NET).</summary>
    public long? Threads { get; init; }
}
