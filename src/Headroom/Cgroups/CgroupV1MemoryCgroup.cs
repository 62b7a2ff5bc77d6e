using System.Globalization;

namespace Headroom.Cgroups;

/// <summary>A cgroup v1 memory controller directory (<c>memory.limit_in_bytes</c>, <c>memory.oom_control</c>, …).</summary>
public sealed class CgroupV1MemoryCgroup(string directory) : MemoryCgroup(directory)
{
    public override CgroupVersion Version => CgroupVersion.V1;

    public override void SetLimit(long bytes)
    {
        var value = bytes.ToString(CultureInfo.InvariantCulture);
        // memsw must stay >= the memory limit, so the order depends on the direction of the change.
        var hasMemsw = File.Exists(Path.Combine(Directory, "memory.memsw.limit_in_bytes"));
        var current = ReadLimit();
        if (hasMemsw && bytes > current)
        {
            CgroupFiles.Write(Directory, "memory.memsw.limit_in_bytes", value);
        }
        CgroupFiles.Write(Directory, "memory.limit_in_bytes", value);
        if (hasMemsw)
        {
            CgroupFiles.Write(Directory, "memory.memsw.limit_in_bytes", value);
        }
    }

    public override long ReadLimit() => CgroupFiles.ReadNumber(Directory, "memory.limit_in_bytes") ?? long.MaxValue;

    public override CgroupMemoryReading Read() => Parse(name => CgroupFiles.ReadText(Directory, name));

    /// <summary>A reading from the files' texts by name (null: no such file), wherever they were read.</summary>
    public static CgroupMemoryReading Parse(Func<string, string?> file)
    {
        var stat = CgroupFiles.ParseKeyValues(file("memory.stat"));
        var oom = CgroupFiles.ParseKeyValues(file("memory.oom_control"));
        // total_* include descendants; the trial's cgroup has none, but a target may make its own.
        long Stat(string key) => stat.GetValueOrDefault("total_" + key, stat.GetValueOrDefault(key));
        return new CgroupMemoryReading(
            UsageBytes: Number(file("memory.usage_in_bytes")) ?? 0,
            PeakBytes: Number(file("memory.max_usage_in_bytes")),
            AnonBytes: Stat("rss"),
            FileBytes: Stat("cache"),
            ActiveFileBytes: Stat("active_file"),
            InactiveFileBytes: Stat("inactive_file"),
            MajorFaults: Stat("pgmajfault"),
            Failcnt: Number(file("memory.failcnt")),
            OomKills: oom.TryGetValue("oom_kill", out var kills) ? kills : null,
            OomEvents: oom.TryGetValue("under_oom", out var under) ? under : null);
    }

    private static long? Number(string? text) => text is null ? null : CgroupFiles.ParseNumber(text);
}
