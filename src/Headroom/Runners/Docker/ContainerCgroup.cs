using Headroom.Cgroups;

namespace Headroom.Runners.Docker;

/// <summary>
/// The memory cgroup the engine made for a running container, found from its main process's host pid. Readable only
/// when the engine runs on this machine in this pid namespace; otherwise the runner falls back to the stats API.
/// </summary>
public static class ContainerCgroup
{
    /// <summary>The container's memory cgroup, or null with the reason it cannot be read here.</summary>
    public static MemoryCgroup? Locate(string containerId, long hostPid, out string reason)
    {
        if (hostPid <= 0)
        {
            reason = "the engine reports no pid for the container";
            return null;
        }
        string procCgroup;
        try
        {
            procCgroup = File.ReadAllText($"/proc/{hostPid}/cgroup");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = $"pid {hostPid} is not visible here (remote or rootless engine)";
            return null;
        }
        var location = CgroupLocator.Locate(procCgroup, File.ReadAllText("/proc/self/mountinfo"), out reason);
        if (location is null)
        {
            return null;
        }
        // Guards against a pid of another namespace that happens to exist here: the engine names the cgroup after
        // the container (docker/<id>, docker-<id>.scope, libpod-<id>).
        if (!location.Directory.Contains(containerId, StringComparison.Ordinal))
        {
            reason = $"pid {hostPid}'s cgroup {location.Directory} is not the container's";
            return null;
        }
        if (!Directory.Exists(location.Directory))
        {
            reason = $"{location.Directory} is not mounted here";
            return null;
        }
        reason = "";
        return TrialCgroups.Open(location.Version, location.Directory);
    }
}
