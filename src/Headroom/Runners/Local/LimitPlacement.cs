using Headroom.Cgroups;

namespace Headroom.Runners.Local;

/// <summary>
/// How the local runner enforces a limit: a child of its own memory cgroup when it may write there; otherwise a
/// transient systemd scope (<c>systemd-run --user --scope -p MemoryMax=…</c>); otherwise no limit can be applied.
/// </summary>
public sealed class LimitPlacement
{
    private LimitPlacement(TrialCgroups? cgroups, string? systemdRun)
    {
        Cgroups = cgroups;
        SystemdRun = systemdRun;
    }

    public TrialCgroups? Cgroups { get; }
    public string? SystemdRun { get; }

    /// <summary>Picks the mechanism, or throws a one-line <see cref="UserInputException"/> saying why none works.</summary>
    public static LimitPlacement Choose()
    {
        if (TrialCgroups.TryOpenOwn(out var reason) is { } cgroups)
        {
            return new LimitPlacement(cgroups, null);
        }
        if (TargetFiles.ResolveExecutable("systemd-run") is { } systemdRun && Directory.Exists("/run/systemd/system"))
        {
            return new LimitPlacement(null, systemdRun);
        }
        throw new UserInputException(
            $"no memory limit can be applied here: {reason}, and systemd-run with a running systemd is not available; " +
            "run headroom as root, or in a container or cgroup it may write to");
    }

    public static string Describe(MemoryCgroup? cgroup) => cgroup is not null
        ? $"cgroup {(cgroup.Version == CgroupVersion.V1 ? "v1" : "v2")} {cgroup.Directory}"
        : "systemd-run --user --scope";

    /// <summary>The command line that starts the target under a systemd scope with the limit.</summary>
    public IReadOnlyList<string> WrapForSystemd(IReadOnlyList<string> command, long? limitBytes)
    {
        var wrapped = new List<string> { SystemdRun!, "--user", "--scope", "--quiet" };
        if (limitBytes is { } limit)
        {
            wrapped.AddRange(["-p", $"MemoryMax={limit}", "-p", "MemorySwapMax=0"]);
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
