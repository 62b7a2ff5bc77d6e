using System.Globalization;

namespace Headroom.Init;

/// <summary>
/// The TCP ports a process tree listens on, as the kernel shows them: the socket inodes among each process's open
/// files (<c>/proc/PID/fd</c>) matched against the LISTEN rows of <c>/proc/net/tcp</c> and <c>tcp6</c>.
/// </summary>
public static class ListeningPorts
{
    private const string Listen = "0A";

    /// <summary>The ports <paramref name="root"/> and its descendants listen on, ascending.</summary>
    public static IReadOnlyList<int> Of(int root)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pid in ProcessTree(root))
        {
            foreach (var inode in SocketInodes(pid))
            {
                inodes.Add(inode);
            }
        }
        var ports = new SortedSet<int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var (port, inode) in ListeningRows(table))
            {
                if (inodes.Contains(inode))
                {
                    ports.Add(port);
                }
            }
        }
        return [.. ports];
    }

    /// <summary>The process and every descendant (by the parent pid in <c>/proc/PID/stat</c>).</summary>
    public static IReadOnlyList<int> ProcessTree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ParentOf(pid) is { } parent)
            {
                parents[pid] = parent;
            }
        }
        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        }
        return tree;
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static IEnumerable<string> SocketInodes(int pid)
    {
        string[] fds;
        try
        {
            fds = Directory.GetFiles($"/proc/{pid}/fd");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (var fd in fds)
        {
            string? target = null;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                yield return target[8..^1];
            }
        }
    }

    /// <summary>(port, inode) of each LISTEN row: <c>sl local_address rem_address st ... uid timeout inode</c>.</summary>
    internal static IEnumerable<(int Port, string Inode)> ListeningRows(string table)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(table);
        }
        catch (IOException)
        {
            yield break;
        }
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 9 && fields[3] == Listen)
            {
                var local = fields[1];
                var port = int.Parse(local[(local.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                yield return (port, fields[9]);
            }
        }
    }
}
