using Headroom.Native;

namespace Headroom.Runners.Local;

/// <summary>
/// What a cold-start eviction did: how many files and bytes were advised out of the page cache, and (when checked
/// with <see cref="ColdStartEviction"/>) what stayed cached, largest first.
/// </summary>
public sealed record EvictionReport(int Files, long Bytes, IReadOnlyList<string> Failed)
{
    /// <summary>Bytes of the evicted files still in the page cache afterwards (null: not checked).</summary>
    public long? ResidentBytes { get; init; }

    /// <summary>The files that stayed cached and how much of each, largest first.</summary>
    public IReadOnlyList<(string File, long Bytes)> StillResident { get; init; } = [];
}

/// <summary>
/// Drops files from the page cache with <c>posix_fadvise(POSIX_FADV_DONTNEED)</c>, so the target reads them again
/// inside its own cgroup and is charged for them, as a freshly started container is. Pages another process has
/// mapped stay (the kernel skips them), which is also what a container on a busy node sees.
/// </summary>
public static class PageCacheEvictor
{
    public static EvictionReport Evict(IEnumerable<string> files)
    {
        var count = 0;
        long bytes = 0;
        var failed = new List<string>();
        foreach (var file in files.Distinct(StringComparer.Ordinal))
        {
            try
            {
                using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var length = RandomAccess.GetLength(handle);
                if (LibC.PosixFadvise((int)handle.DangerousGetHandle(), 0, 0, LibC.PosixFadvDontNeed) == 0)
                {
                    count++;
                    bytes += length;
                }
                else
                {
                    failed.Add(file);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add(file);
            }
        }
        return new EvictionReport(count, bytes, failed);
    }
}
