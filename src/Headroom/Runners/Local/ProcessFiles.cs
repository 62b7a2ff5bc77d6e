using System.Globalization;

namespace Headroom.Runners.Local;

/// <summary>The executable of a running process and the regular files it maps or holds open, from <c>/proc</c>.</summary>
public sealed record ProcessFiles(string? Executable, IReadOnlyList<string> Files)
{
    /// <summary>What <c>/proc/PID/exe</c>, <c>/proc/PID/maps</c> and <c>/proc/PID/fd</c> name; empty for a process gone.</summary>
    public static ProcessFiles Of(int pid, string proc = "/proc")
    {
        var root = Path.Combine(proc, pid.ToString(CultureInfo.InvariantCulture));
        var executable = LinkTarget(Path.Combine(root, "exe"));
        var files = new HashSet<string>(StringComparer.Ordinal);
        if (executable is not null)
        {
            files.Add(executable);
        }
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(root, "maps")))
            {
                if (MappedPath(line) is { } path)
                {
                    files.Add(path);
                }
            }
            foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(root, "fd")))
            {
                if (LinkTarget(fd) is { } target)
                {
                    files.Add(target);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process exited while it was read: what was read so far stands.
        }
        return new ProcessFiles(IsCandidate(executable) ? executable : null, [.. files.Where(IsCandidate)]);
    }

    /// <summary>The path of a <c>/proc/PID/maps</c> line (address perms offset dev inode path), or null for an anonymous mapping.</summary>
    public static string? MappedPath(string line)
    {
        var slash = line.IndexOf(" /", StringComparison.Ordinal);
        return slash < 0 ? null : line[(slash + 1)..].TrimEnd();
    }

    /// <summary>
    /// A file an image would bring: a regular file that still exists, not a kernel file, not a deleted one, and not
    /// HotSpot's per-process perf data (it is made at each start).
    /// </summary>
    public static bool IsCandidate(string? path) =>
        path is not null
        && path.StartsWith('/')
        && !path.EndsWith(" (deleted)", StringComparison.Ordinal)
        && !path.StartsWith("/proc/", StringComparison.Ordinal)
        && !path.StartsWith("/sys/", StringComparison.Ordinal)
        && !path.StartsWith("/dev/", StringComparison.Ordinal)
        && !path.Contains("/hsperfdata_", StringComparison.Ordinal)
        && File.Exists(path);

    private static string? LinkTarget(string link)
    {
        try
        {
            return new FileInfo(link).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
