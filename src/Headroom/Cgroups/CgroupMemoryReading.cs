namespace Headroom.Cgroups;

/// <summary>
/// One read of a memory cgroup's files. Anon and file are kept apart because under a limit the cgroup fills up with
/// reclaimable page cache, so usage and peak alone say little about what the target needs.
/// Null where the kernel does not offer the figure (v2 without <c>memory.peak</c>, v1 kernels before <c>oom_kill</c>).
/// </summary>
public sealed record CgroupMemoryReading(
    long UsageBytes,
    long? PeakBytes,
    long AnonBytes,
    long FileBytes,
    long ActiveFileBytes,
    long InactiveFileBytes,
    long MajorFaults,
    long? Failcnt,
    long? OomKills,
    long? OomEvents);
