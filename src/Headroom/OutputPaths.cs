namespace Headroom;

/// <summary>Checks on a folder the user names for output, before anything is written there.</summary>
public static class OutputPaths
{
    /// <summary>
    /// /sys, /proc and /dev are the kernel's: a folder made under /sys/fs/cgroup is a new cgroup, not a folder.
    /// </summary>
    /// <exception cref="UserInputException">The path is under one of them.</exception>
    public static void RefuseKernelFileSystems(string path)
    {
        var full = Path.GetFullPath(path);
        foreach (var root in new[] { "/sys", "/proc", "/dev" })
        {
            if (full == root || full.StartsWith(root + "/", StringComparison.Ordinal))
            {
                throw new UserInputException($"'{path}' is under {root}, the kernel's own file system (a folder there is a cgroup or a device, not a folder); give an output folder elsewhere");
            }
        }
    }
}
