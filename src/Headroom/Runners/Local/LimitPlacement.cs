using Headroom.Cgroups;

namespace Headroom.Runners.Local;

/// <summary>
/// How the local runner enforces a limit: a child of its own memory cgroup when it may write there; otherwise a
/// transient systemd scope (<c>systemd-run --user --scope -p MemoryMax=…</c>); otherwise no limit can be applied.
/// </summary>
public sealed class LimitPlacement
{
    private LimitPlacement(TrialCgroups? cgroups, TrialCpuCgroups? cpuCgroups, string? systemdRun)
    {
        Cgroups = cgroups;
        CpuCgroups = cpuCgroups;
        SystemdRun = systemdRun;
    }

    public TrialCgroups? Cgroups { get; }

    /// <summary>Where CPU quotas go when a CPU limit is asked for and the memory limits are cgroups of the tool's own.</summary>
    public TrialCpuCgroups? CpuCgroups { get; }

    public string? SystemdRun { get; }

    /// <summary>Picks the mechanism, or throws a one-line <see cref="UserInputException"/> saying why none works.</summary>
    /// <param name="cpus">The CPU limit asked for, if any: then a cpu cgroup is needed as well.</param>
    public static LimitPlacement Choose(double? cpus = null)
    {
        if (TrialCgroups.TryOpenOwn(out var reason) is { } cgroups)
        {
            if (cpus is null)
            {
                return new LimitPlacement(cgroups, null, null);
            }
            return TrialCpuCgroups.TryOpenOwn(cgroups, out var cpuReason) is { } cpuCgroups
                ? new LimitPlacement(cgroups, cpuCgroups, null)
                : throw new UserInputException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"--cpus {cpus} cannot be applied here: {cpuReason}; run headroom where it may write its cpu cgroup, or without --cpus"));
        }
        if (TargetFiles.ResolveExecutable("systemd-run") is { } systemdRun && Directory.Exists("/run/systemd/system"))
        {
            return new LimitPlacement(null, null, systemdRun);
        }
        throw new UserInputException(
            $"no memory limit can be applied here: {reason}, and systemd-run with a running systemd is not available; " +
            "run headroom as root, or in a container or cgroup it may write to");
    }

    public static string Describe(MemoryCgroup? cgroup, CpuCgroup? cpu = null, double? cpus = null)
    {
        var memory = cgroup is not null
            ? $"cgroup {(cgroup.Version == CgroupVersion.V1 ? "v1" : "v2")} {cgroup.Directory}"
            : "systemd-run --user --scope";
        if (cpus is not { } c)
        {
            return memory;
        }
        if (cpu is null)
        {
            return $"{memory}, CPUQuota {Math.Round(c * 100)}% ({CpuQuota.ToKubernetes(c)})";
        }
        var (quota, period) = cpu.ReadQuota();
        var file = cpu.Version == CgroupVersion.V1 ? $"cpu.cfs_quota_us {quota} / cpu.cfs_period_us {period} in {cpu.Directory}" : $"cpu.max {quota} {period}";
        return $"{memory}; cpu {CpuQuota.ToKubernetes(c)}: {file}";
    }

    /// <summary>The command line that starts the target under a systemd scope with the limit.</summary>
    public IReadOnlyList<string> WrapForSystemd(IReadOnlyList<string> command, long? limitBytes, double? cpus = null)
    {
        var wrapped = new List<string> { SystemdRun!, "--user", "--scope", "--quiet" };
        if (limitBytes is { } limit)
        {
            wrapped.AddRange(["-p", $"MemoryMax={limit}", "-p", "MemorySwapMax=0"]);
        }
        if (cpus is { } c)
        {
            wrapped.AddRange(["-p", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"CPUQuota={Math.Round(c * 100)}%")]);
        }
        wrapped.Add("--");
        wrapped.AddRange(command);
        return wrapped;
    }

    /// <summary>The scope's cgroup, read from the started process (systemd-run execs the target in place).</summary>
    public static MemoryCgroup? ScopeOf(int pid)
    {
        try
        {
            var location = CgroupLocator.Locate(File.ReadAllText($"/proc/{pid}/cgroup"), File.ReadAllText($"/proc/{pid}/mountinfo"), out _);
            return location is null ? null : TrialCgroups.Open(location.Version, location.Directory);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
