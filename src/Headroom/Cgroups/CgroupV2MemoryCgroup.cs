using System.Globalization;

namespace Headroom.Cgroups;

/// <summary>A cgroup v2 directory with the memory controller (<c>memory.max</c>, <c>memory.events</c>, …).</summary>
public sealed class CgroupV2MemoryCgroup(string directory) : MemoryCgroup(directory)
{
    public override CgroupVersion Version => CgroupVersion.V2;

    public override void SetLimit(long bytes)
    {
        CgroupFiles.Write(Directory, "memory.max", bytes.ToString(CultureInfo.InvariantCulture));
        if (File.Exists(Path.Combine(Directory, "memory.swap.max")))
        {
            CgroupFiles.Write(Directory, "memory.swap.max", "0");
        }
    }

    public override long ReadLimit() => CgroupFiles.ReadNumber(Directory, "memory.max") ?? long.MaxValue;

    public override CgroupMemoryReading Read() => Parse(name => CgroupFiles.ReadText(Directory, name));

    /// <summary>A reading from the files' texts by name (null: no such file), wherever they were read.</summary>
    public static CgroupMemoryReading Parse(Func<string, string?> file)
    {
        var stat = CgroupFiles.ParseKeyValues(file("memory.stat"));
        var events = CgroupFiles.ParseKeyValues(file("memory.events"));
        return new CgroupMemoryReading(
            UsageBytes: Number(file("memory.current")) ?? 0,
            PeakBytes: Number(file("memory.peak")),
            AnonBytes: stat.GetValueOrDefault("anon"),
            FileBytes: stat.GetValueOrDefault("file"),
            ActiveFileBytes: stat.GetValueOrDefault("active_file"),
            InactiveFileBytes: stat.GetValueOrDefault("inactive_file"),
            MajorFaults: stat.GetValueOrDefault("pgmajfault"),
            // v2 has no failcnt; "max" counts the times usage hit the limit, which is what failcnt counted.
            Failcnt: events.TryGetValue("max", out var max) ? max : null,
            OomKills: events.TryGetValue("oom_kill", out var kills) ? kills : null,
            OomEvents: events.TryGetValue("oom", out var oom) ? oom : null);
    }

    private static long? Number(string? text) => text is null ? null : CgroupFiles.ParseNumber(text);
}
