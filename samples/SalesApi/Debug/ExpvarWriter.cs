using System.Runtime;
using System.Text.Json;

namespace SalesApi.Debug;

/// <summary>
/// Writes <c>/debug/vars</c> in the shape of Go's expvar, so tools written for the article read it unchanged.
/// Go's figures have no exact .NET twins; each is mapped to the closest .NET figure (see the README's table):
/// <list type="bullet">
/// <item><c>goroutines</c> ← the process's OS thread count (.NET has no goroutines; threads are what carry work).</item>
/// <item><c>Sys</c> ← private writable memory of the process (<c>VmData</c>; <c>Process.PrivateMemorySize64</c>): GC heap
/// as committed, native allocations, thread stacks — like Go's Sys, address space that was at some point backed.</item>
/// <item><c>HeapAlloc</c> / <c>Alloc</c> ← <c>GC.GetTotalMemory(false)</c>: bytes allocated and not yet collected, live or not.</item>
/// <item><c>HeapSys</c> ← <c>GCMemoryInfo.TotalCommittedBytes</c>: memory the GC has committed from the OS (as of the last GC).</item>
/// <item><c>HeapInuse</c> ← <c>GCMemoryInfo.HeapSizeBytes</c>: the heap's size after the last GC, fragmentation included.</item>
/// <item><c>NumGC</c> ← <c>GC.CollectionCount(0)</c>: every GC, since each collects generation 0.</item>
/// <item><c>PauseTotalNs</c> ← <c>GC.GetTotalPauseDuration()</c> in nanoseconds.</item>
/// <item><c>TotalAlloc</c> ← <c>GC.GetTotalAllocatedBytes()</c>.</item>
/// </list>
/// Before the first GC the GCMemoryInfo figures are 0: the runtime has nothing to report yet.
/// </summary>
public static class ExpvarWriter
{
    private static readonly string[] GenerationNames = ["Gen0", "Gen1", "Gen2", "LOH", "POH"];

    public static void Write(Utf8JsonWriter json, ServiceCounters counters)
    {
        var process = ProcessStatus.Read();
        var info = GC.GetGCMemoryInfo();
        var heapAlloc = GC.GetTotalMemory(forceFullCollection: false);
        var pauseNs = GC.GetTotalPauseDuration().Ticks * 100;

        json.WriteStartObject();
        json.WriteString("build", typeof(ExpvarWriter).Assembly.GetName().Version?.ToString() ?? "develop");
        json.WriteStartArray("cmdline");
        foreach (var arg in Environment.GetCommandLineArgs())
        {
            json.WriteStringValue(arg);
        }
        json.WriteEndArray();
        json.WriteNumber("errors", counters.Errors);
        json.WriteNumber("goroutines", process.Threads);

        json.WriteStartObject("memstats");
        json.WriteNumber("Alloc", heapAlloc);
        json.WriteNumber("TotalAlloc", GC.GetTotalAllocatedBytes(precise: false));
        json.WriteNumber("Sys", process.PrivateBytes);
        json.WriteNumber("HeapAlloc", heapAlloc);
        json.WriteNumber("HeapSys", info.TotalCommittedBytes);
        json.WriteNumber("HeapInuse", info.HeapSizeBytes);
        json.WriteNumber("NumGC", GC.CollectionCount(0));
        json.WriteNumber("PauseTotalNs", pauseNs);
        json.WriteEndObject();

        json.WriteNumber("requests", counters.Requests);

        json.WriteStartObject("dotnet");
        json.WriteNumber("HeapSizeBytes", info.HeapSizeBytes);
        json.WriteNumber("TotalCommittedBytes", info.TotalCommittedBytes);
        json.WriteNumber("FragmentedBytes", info.FragmentedBytes);
        json.WriteNumber("PromotedBytes", info.PromotedBytes);
        // The memory the GC believes it may use: the container or cgroup limit (75 % of it by default), or
        // DOTNET_GCHeapHardLimit when set — the figure that shows whether the runtime sees the limit.
        json.WriteNumber("TotalAvailableMemoryBytes", info.TotalAvailableMemoryBytes);
        json.WriteNumber("HighMemoryLoadThresholdBytes", info.HighMemoryLoadThresholdBytes);
        json.WriteNumber("MemoryLoadBytes", info.MemoryLoadBytes);
        json.WriteNumber("PauseTimePercentage", info.PauseTimePercentage);
        json.WriteNumber("PinnedObjectsCount", info.PinnedObjectsCount);
        json.WriteNumber("FinalizationPendingCount", info.FinalizationPendingCount);
        json.WriteNumber("LastGCIndex", info.Index);
        json.WriteNumber("LastGCGeneration", info.Generation);
        json.WriteNumber("CollectionCountGen0", GC.CollectionCount(0));
        json.WriteNumber("CollectionCountGen1", GC.CollectionCount(1));
        json.WriteNumber("CollectionCountGen2", GC.CollectionCount(2));
        json.WriteNumber("TotalAllocatedBytes", GC.GetTotalAllocatedBytes(precise: false));
        json.WriteNumber("TotalPauseDurationNs", pauseNs);
        json.WriteNumber("ThreadPoolThreadCount", ThreadPool.ThreadCount);
        json.WriteNumber("ProcessResidentBytes", process.ResidentBytes);
        json.WriteNumber("ProcessResidentAnonBytes", process.ResidentAnonBytes);
        json.WriteNumber("ProcessResidentFileBytes", process.ResidentFileBytes);
        json.WriteBoolean("IsServerGC", GCSettings.IsServerGC);
        json.WriteString("LatencyMode", GCSettings.LatencyMode.ToString());
        json.WriteStartObject("Generations");
        var generations = info.GenerationInfo;
        for (var i = 0; i < generations.Length && i < GenerationNames.Length; i++)
        {
            json.WriteStartObject(GenerationNames[i]);
            json.WriteNumber("SizeBeforeBytes", generations[i].SizeBeforeBytes);
            json.WriteNumber("SizeAfterBytes", generations[i].SizeAfterBytes);
            json.WriteNumber("FragmentationBeforeBytes", generations[i].FragmentationBeforeBytes);
            json.WriteNumber("FragmentationAfterBytes", generations[i].FragmentationAfterBytes);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteEndObject();
    }
}
