using Headroom.Cgroups;

namespace Headroom.Tests.Cgroups;

public class CgroupParsingTests
{
    private static string Recorded(string name) => Path.Combine(AppContext.BaseDirectory, "Cgroups", "Recorded", name);

    [Fact]
    public void V1_AfterOomKill_ReadsCounterLimitAndPeak()
    {
        var cgroup = new CgroupV1MemoryCgroup(Recorded("v1-after-oom-kill"));
        var reading = cgroup.Read();
        Assert.Equal(1, reading.OomKills);
        Assert.Equal(32L << 20, reading.PeakBytes);
        Assert.Equal(32L << 20, cgroup.ReadLimit());
        // The kernel killed it and failcnt stayed 0: why failcnt is not the OOM signal.
        Assert.Equal(0, reading.Failcnt);
    }

    [Fact]
    public void V1_Alive_SplitsAnonFromFileUsingHierarchicalTotals()
    {
        var reading = new CgroupV1MemoryCgroup(Recorded("v1-alive-64mib")).Read();
        Assert.Equal(67477504, reading.AnonBytes);
        Assert.Equal(4096, reading.FileBytes);
        Assert.Equal(67895296, reading.UsageBytes);
        Assert.Equal(0, reading.OomKills);
        Assert.InRange(reading.AnonBytes, 64L << 20, 65L << 20);
    }

    [Fact]
    public void V2_AfterOomKill_ReadsEventsStatAndPeak()
    {
        var cgroup = new CgroupV2MemoryCgroup(Recorded("v2-after-oom-kill"));
        var reading = cgroup.Read();
        Assert.Equal(1, reading.OomKills);
        Assert.Equal(3, reading.OomEvents);
        Assert.Equal(2871, reading.Failcnt);
        Assert.Equal(32L << 20, reading.PeakBytes);
        Assert.Equal(1212416, reading.UsageBytes);
        Assert.Equal(450560, reading.AnonBytes);
        Assert.Equal(622592, reading.FileBytes);
        Assert.Equal(86016, reading.ActiveFileBytes);
        Assert.Equal(536576, reading.InactiveFileBytes);
        Assert.Equal(1337, reading.MajorFaults);
        Assert.Equal(32L << 20, cgroup.ReadLimit());
    }

    [Fact]
    public void V2_WithoutMemoryPeak_LeavesPeakUnknownAndReadsMaxAsUnlimited()
    {
        var cgroup = new CgroupV2MemoryCgroup(Recorded("v2-no-peak"));
        var reading = cgroup.Read();
        Assert.Null(reading.PeakBytes);
        Assert.Equal(long.MaxValue, cgroup.ReadLimit());
        Assert.Equal(67633152, reading.AnonBytes);
        Assert.Equal(0, reading.OomKills);
    }

    [Fact]
    public void Locate_HybridHostWithV1Memory_PicksTheV1MemoryHierarchy()
    {
        var dir = Recorded("proc-v1-hybrid");
        var location = CgroupLocator.Locate(File.ReadAllText(Path.Combine(dir, "cgroup")), File.ReadAllText(Path.Combine(dir, "mountinfo")), out var reason);
        Assert.NotNull(location);
        Assert.Equal(CgroupVersion.V1, location.Version);
        Assert.StartsWith("/sys/fs/cgroup/memory/process_api/", location.Directory, StringComparison.Ordinal);
        Assert.Equal("", reason);
    }

    [Fact]
    public void Locate_UnifiedHost_PicksTheV2Path()
    {
        var dir = Recorded("proc-v2");
        var location = CgroupLocator.Locate(File.ReadAllText(Path.Combine(dir, "cgroup")), File.ReadAllText(Path.Combine(dir, "mountinfo")), out _);
        Assert.Equal(new CgroupLocation(CgroupVersion.V2, "/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope"), location);
    }

    [Fact]
    public void Locate_NoMemoryCgroup_SaysWhy()
    {
        var location = CgroupLocator.Locate("1:cpu:/\n", "", out var reason);
        Assert.Null(location);
        Assert.Contains("no memory cgroup", reason, StringComparison.Ordinal);
    }
}
