using System.Globalization;
using Headroom.Native;

namespace Headroom.Cgroups;

/// <summary>
/// Where each run makes its trial cgroups, so that a later run started from another cgroup (another shell, another
/// systemd scope) still sweeps what a SIGKILLed run left there. A run writes <c>runs/&lt;pid&gt;-&lt;start time&gt;</c>
/// in the private state folder (<see cref="PrivateState"/>: only this user can write there) naming its parent
/// cgroups. A later run sweeps an entry only when it is sure the run is gone: same pid namespace, and its pid dead or
/// now another process (another start time); then only the <c>headroom-&lt;pid&gt;-&lt;n&gt;</c> children of that run
/// in those parents, and only parents under <c>/sys/fs/cgroup</c>. Nothing another user or another tool made is touched.
/// </summary>
public sealed class TrialCgroupRegistry
{
    public const string CgroupRoot = "/sys/fs/cgroup/";

    private readonly string _folder;
    private readonly string _root;

    /// <param name="folder">The private folder the entries are in.</param>
    /// <param name="root">Only parents under it are swept (<see cref="CgroupRoot"/>; a test gives its own cgroup).</param>
    internal TrialCgroupRegistry(string folder, string root)
    {
        _folder = folder;
        _root = root;
    }

    /// <summary>The registry in this user's private state folder; null when there is none (no home, not private).</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static TrialCgroupRegistry? OpenOwn()
    {
        try
        {
            return PrivateState.Home() is { } home && PrivateState.Folder(home, "runs") is { } folder ? new TrialCgroupRegistry(folder, CgroupRoot) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Records that this process makes trial cgroups under <paramref name="memory"/> (and <paramref name="cpu"/> on v1).</summary>
    public void Register(CgroupLocation? memory, CgroupLocation? cpu)
    {
        var lines = new[] { ("memory", memory), ("cpu", cpu) }
            .Where(p => p.Item2 is not null)
            .Select(p => $"{p.Item1} {p.Item2!.Version} {p.Item2.Directory}");
        var entry = Path.Combine(_folder, EntryName(Environment.ProcessId, StartTime(Environment.ProcessId) ?? 0));
        try
        {
            File.WriteAllLines(entry, [PidNamespace(), .. lines]);
            // A run that ends on its own has removed its trial cgroups; only a killed run's entry is left for a sweep.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Forget(entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without the entry only the own-parent sweep finds this run's leftovers.
        }
    }

    private static void Forget(string entry)
    {
        try
        {
            File.Delete(entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next run's sweep finds the pid gone and removes the entry.
        }
    }

    /// <summary>Sweeps the trial cgroups of every registered run that is gone; returns the names removed.</summary>
    public async Task<IReadOnlyList<string>> SweepGoneAsync(CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        var ns = PidNamespace();
        foreach (var entry in Directory.EnumerateFiles(_folder))
        {
            var name = Path.GetFileName(entry).Split('-');
            if (name.Length != 2 || !int.TryParse(name[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ||
                !long.TryParse(name[1], NumberStyles.None, CultureInfo.InvariantCulture, out var started))
            {
                continue;
            }
            string[] lines;
            try
            {
                lines = File.ReadAllLines(entry);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            // A run in another pid namespace may be alive under a pid this one cannot see.
            if (lines.Length == 0 || lines[0] != ns || StartTime(pid) == started)
            {
                continue;
            }
            var complete = true;
            foreach (var line in lines.Skip(1))
            {
                var parts = line.Split(' ', 3);
                if (parts.Length != 3 || !Enum.TryParse<CgroupVersion>(parts[1], out var version) || !IsUnder(parts[2]))
                {
                    continue;
                }
                Func<string, CgroupDirectory> open = parts[0] == "cpu" ? d => new CpuCgroup(d, version) : d => TrialCgroups.Open(version, d);
                try
                {
                    removed.AddRange(await TrialCgroups.SweepStaleAsync(parts[2], open, cancellationToken, owner: pid));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    complete = false;
                }
            }
            if (complete)
            {
                File.Delete(entry);
            }
        }
        return removed;
    }

    private bool IsUnder(string directory) =>
        Path.IsPathFullyQualified(directory) && Path.GetFullPath(directory) == directory &&
        directory.StartsWith(_root, StringComparison.Ordinal) && Directory.Exists(directory);

    internal static string EntryName(int pid, long startTime) => string.Create(CultureInfo.InvariantCulture, $"{pid}-{startTime}");

    /// <summary>The process's start time in clock ticks after boot (<c>/proc/PID/stat</c> field 22); null when it is gone.</summary>
    internal static long? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
            // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>This process's pid namespace, as <c>pid:[inode]</c>.</summary>
    internal static string PidNamespace()
    {
        try
        {
            return new FileInfo("/proc/self/ns/pid").LinkTarget ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
