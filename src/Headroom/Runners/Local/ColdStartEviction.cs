using System.Globalization;

namespace Headroom.Runners.Local;

/// <summary>
/// Evicts a cold set and checks with <c>mincore</c> what stayed cached: pages another process maps (libc, ld.so,
/// Headroom's own .NET runtime) cannot be dropped, and a container on a busy node finds them cached too.
/// </summary>
public static class ColdStartEviction
{
    public static EvictionReport Run(IReadOnlyList<string> files)
    {
        var report = PageCacheEvictor.Evict(files);
        var resident = files.Distinct(StringComparer.Ordinal)
            .Select(f => (File: f, Bytes: PageResidency.ResidentBytes(f)))
            .Where(r => r.Bytes > 0)
            .OrderByDescending(r => r.Bytes)
            .ToList();
        return report with { ResidentBytes = resident.Sum(r => r.Bytes), StillResident = resident };
    }

    /// <summary><c>cold start: evicted 1,204 files (212.4 MiB), 2.3 MiB still resident (shared with other processes: libc.so.6 1.8 MiB, …)</c></summary>
    public static string Describe(EvictionReport report)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"cold start: evicted {report.Files:N0} files ({Mi(report.Bytes)})");
        if (report.ResidentBytes is not { } resident)
        {
            return text;
        }
        if (resident == 0)
        {
            return text + ", none of it still resident";
        }
        var largest = string.Join(", ", report.StillResident.Take(3).Select(r => $"{Path.GetFileName(r.File)} {Mi(r.Bytes)}"));
        var more = report.StillResident.Count > 3 ? $", {report.StillResident.Count - 3} more" : "";
        return text + $", {Mi(resident)} still resident (shared with other processes: {largest}{more})";
    }

    private static string Mi(long bytes) => bytes is > 0 and < 102_400
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024} KiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");
}
