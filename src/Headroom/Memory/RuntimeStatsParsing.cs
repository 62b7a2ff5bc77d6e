using Headroom.Memory.Runtime;

namespace Headroom.Memory;

/// <summary>Turns a stats endpoint's answer (expvar JSON or Prometheus text) into <see cref="RuntimeFigures"/>.</summary>
internal static class RuntimeStatsParsing
{
    private static readonly string[] s_residentNames = ["process_resident_memory_bytes", "dotnet.WorkingSet", "dotnet.WorkingSetBytes"];

    /// <exception cref="UserInputException">The body is in neither format.</exception>
    public static RuntimeFigures Parse(string body, string? contentType) => From(RuntimeStatsReader.Parse(body, contentType));

    public static RuntimeFigures From(RuntimeMemorySnapshot snapshot) => new(snapshot.Format)
    {
        SysBytes = snapshot.Sys,
        HeapAllocBytes = snapshot.HeapAlloc,
        HeapSysBytes = snapshot.HeapSys,
        GcCount = snapshot.NumGC,
        Threads = snapshot.Goroutines,
        MemoryLimitBytes = snapshot.Other.TryGetValue("memlimit", out var limit) ? (limit >= long.MaxValue ? long.MaxValue : (long)limit) : null,
        ResidentBytes = s_residentNames.Select(n => snapshot.Other.TryGetValue(n, out var v) ? (long?)v : null).FirstOrDefault(v => v is not null),
    };
}
