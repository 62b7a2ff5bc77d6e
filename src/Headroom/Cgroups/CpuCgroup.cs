using System.Globalization;

namespace Headroom.Cgroups;

/// <summary>
/// A trial's CPU limit: a cgroup v1 <c>cpu</c> controller directory (<c>cpu.cfs_quota_us</c> over
/// <c>cpu.cfs_period_us</c>), or on v2 the trial's own cgroup (<c>cpu.max</c>, "quota period").
/// </summary>
public sealed class CpuCgroup(string directory, CgroupVersion version) : CgroupDirectory(directory)
{
    public CgroupVersion Version { get; } = version;

    /// <summary>Sets quota = <paramref name="cpus"/> x period, keeping the cgroup's period (100 ms by default).</summary>
    public void SetQuota(double cpus)
    {
        if (Version == CgroupVersion.V1)
        {
            var period = CgroupFiles.ReadNumber(Directory, "cpu.cfs_period_us") ?? CpuQuota.DefaultPeriodMicroseconds;
            CgroupFiles.Write(Directory, "cpu.cfs_quota_us", CpuQuota.QuotaMicroseconds(cpus, period).ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            var period = CpuQuota.DefaultPeriodMicroseconds;
            CgroupFiles.Write(Directory, "cpu.max", string.Create(CultureInfo.InvariantCulture, $"{CpuQuota.QuotaMicroseconds(cpus, period)} {period}"));
        }
    }

    /// <summary>The quota in force and its period in microseconds; quota null when unlimited.</summary>
    public (long? Quota, long Period) ReadQuota()
    {
        if (Version == CgroupVersion.V1)
        {
            var quota = CgroupFiles.ReadNumber(Directory, "cpu.cfs_quota_us");
            return (quota is null or < 0 ? null : quota, CgroupFiles.ReadNumber(Directory, "cpu.cfs_period_us") ?? CpuQuota.DefaultPeriodMicroseconds);
        }
        var parts = (CgroupFiles.ReadText(Directory, "cpu.max") ?? "max").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var period = parts.Length > 1 ? long.Parse(parts[1], CultureInfo.InvariantCulture) : CpuQuota.DefaultPeriodMicroseconds;
        return (parts[0] == "max" ? null : long.Parse(parts[0], CultureInfo.InvariantCulture), period);
    }

    /// <summary>Periods in which the cgroup ran out of quota (<c>cpu.stat</c> <c>nr_throttled</c>).</summary>
    public long? ReadThrottledPeriods() =>
        CgroupFiles.ParseKeyValues(CgroupFiles.ReadText(Directory, "cpu.stat")).TryGetValue("nr_throttled", out var n) ? n : null;
}
