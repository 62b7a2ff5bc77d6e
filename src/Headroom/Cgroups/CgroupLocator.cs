namespace Headroom.Cgroups;

/// <summary>Where a process's cgroup for one controller is: its version and its directory under the cgroup file system.</summary>
public sealed record CgroupLocation(CgroupVersion Version, string Directory);

/// <summary>Finds a process's cgroup for a controller (memory by default, cpu) from <c>/proc/&lt;pid&gt;/cgroup</c> and <c>/proc/&lt;pid&gt;/mountinfo</c>.</summary>
public static class CgroupLocator
{
    /// <summary>This process's memory cgroup, or null with the reason when there is none.</summary>
    public static CgroupLocation? LocateSelf(out string reason) => LocateSelf("memory", out reason);

    /// <summary>This process's cgroup for <paramref name="controller"/>, or null with the reason when there is none.</summary>
    public static CgroupLocation? LocateSelf(string controller, out string reason) =>
        Locate(File.ReadAllText("/proc/self/cgroup"), File.ReadAllText("/proc/self/mountinfo"), controller, out reason);

    public static CgroupLocation? Locate(string procCgroup, string mountinfo, out string reason) =>
        Locate(procCgroup, mountinfo, "memory", out reason);

    /// <summary>
    /// v1 when a hierarchy lists the controller (a hybrid host's v2 mount then does not have it); v2 from the
    /// <c>0::</c> line otherwise.
    /// </summary>
    public static CgroupLocation? Locate(string procCgroup, string mountinfo, string controller, out string reason)
    {
        var mounts = ParseMounts(mountinfo);
        foreach (var line in procCgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3 && parts[1].Split(',').Contains(controller))
            {
                var mount = mounts.FirstOrDefault(m => m.FsType == "cgroup" && m.SuperOptions.Split(',').Contains(controller));
                if (mount is null)
                {
                    reason = $"the cgroup v1 {controller} controller is not mounted";
                    return null;
                }
                reason = "";
                return new CgroupLocation(CgroupVersion.V1, Join(mount, parts[2]));
            }
        }
        foreach (var line in procCgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("0::", StringComparison.Ordinal))
            {
                var mount = mounts.FirstOrDefault(m => m.FsType == "cgroup2");
                if (mount is null)
                {
                    reason = "no cgroup v2 file system is mounted";
                    return null;
                }
                reason = "";
                return new CgroupLocation(CgroupVersion.V2, Join(mount, line[3..]));
            }
        }
        reason = $"this process is in no {controller} cgroup (no '{controller}' line and no '0::' line in /proc/self/cgroup)";
        return null;
    }

    private static string Join(Mount mount, string cgroupPath)
    {
        // Inside a cgroup namespace the mount's root is the namespace's root, and paths are relative to it.
        var relative = mount.Root != "/" && cgroupPath.StartsWith(mount.Root, StringComparison.Ordinal)
            ? cgroupPath[mount.Root.Length..]
            : cgroupPath;
        return Path.Join(mount.MountPoint, relative.TrimStart('/')).TrimEnd('/');
    }

    private sealed record Mount(string Root, string MountPoint, string FsType, string SuperOptions);

    private static List<Mount> ParseMounts(string mountinfo)
    {
        var mounts = new List<Mount>();
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (separator < 6 || fields.Length < separator + 4)
            {
                continue;
            }
            mounts.Add(new Mount(Unescape(fields[3]), Unescape(fields[4]), fields[separator + 1], fields[separator + 3]));
        }
        return mounts;
    }

    // mountinfo escapes space, tab, newline and backslash as octal.
    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
