using System.Globalization;
using System.Text.RegularExpressions;
using Headroom.Processes;

namespace Headroom.Cgroups;

/// <summary>
/// The tool's own memory cgroup, under which every trial gets a fresh child named <c>headroom-&lt;pid&gt;-&lt;n&gt;</c>.
/// The owner's pid in the name lets a later start find the children of a run that was killed and remove them.
/// </summary>
public sealed partial class TrialCgroups
{
    public const string Prefix = "headroom-";
    private static int s_counter;

    private TrialCgroups(CgroupLocation parent) => Parent = parent;

    public CgroupLocation Parent { get; }

    [GeneratedRegex(@"^headroom-(?<pid>\d+)-\d+$")]
    private static partial Regex TrialName();

    /// <summary>The tool's own memory cgroup when a child can be made in it; null with the reason otherwise.</summary>
    public static TrialCgroups? TryOpenOwn(out string reason)
    {
        var location = CgroupLocator.LocateSelf(out reason);
        return location is null ? null : TryOpen(location, out reason);
    }

    public static TrialCgroups? TryOpen(CgroupLocation parent, out string reason)
    {
        if (!Directory.Exists(parent.Directory))
        {
            reason = $"{parent.Directory} does not exist";
            return null;
        }
        if (parent.Version == CgroupVersion.V2 && !EnableForChildren(parent.Directory, "memory", out reason))
        {
            return null;
        }
        return CanCreateChild(parent.Directory, out reason) ? new TrialCgroups(parent) : null;
    }

    /// <summary>True when a child cgroup can be made (and removed) under <paramref name="directory"/>.</summary>
    internal static bool CanCreateChild(string directory, out string reason)
    {
        var probe = Path.Combine(directory, $"{Prefix}{Environment.ProcessId}-probe");
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            reason = $"cannot create a cgroup under {directory} ({e.Message.TrimEnd('.')})";
            return false;
        }
        reason = "";
        return true;
    }

    /// <summary>cgroup v2: makes <paramref name="controller"/> available to the children of <paramref name="directory"/>.</summary>
    internal static bool EnableForChildren(string directory, string controller, out string reason)
    {
        var controllers = CgroupFiles.ReadText(directory, "cgroup.subtree_control") ?? "";
        if (controllers.Split(' ', StringSplitOptions.TrimEntries).Contains(controller))
        {
            reason = "";
            return true;
        }
        try
        {
            CgroupFiles.Write(directory, "cgroup.subtree_control", "+" + controller);
            reason = "";
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // cgroup v2 forbids controllers in the children of a cgroup that has processes of its own.
            reason = $"cannot enable the {controller} controller for children of {directory} ({e.Message.TrimEnd('.')}); " +
                     "run headroom in a leaf cgroup of its own, e.g. under systemd-run --user --scope";
            return false;
        }
    }

    /// <summary>Makes a fresh, empty child cgroup for one trial.</summary>
    public MemoryCgroup Create()
    {
        var n = Interlocked.Increment(ref s_counter);
        var directory = Path.Combine(Parent.Directory, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{n}"));
        Directory.CreateDirectory(directory);
        return Open(Parent.Version, directory);
    }

    public static MemoryCgroup Open(CgroupVersion version, string directory) => version == CgroupVersion.V1
        ? new CgroupV1MemoryCgroup(directory)
        : new CgroupV2MemoryCgroup(directory);

    /// <summary>
    /// Removes the trial cgroups left by runs whose process is gone (killed with SIGKILL, machine crash): their
    /// processes are killed first, so no target of an earlier run survives it. Returns the names removed.
    /// </summary>
    public Task<IReadOnlyList<string>> SweepStaleAsync(CancellationToken cancellationToken) =>
        SweepStaleAsync(Parent.Directory, d => Open(Parent.Version, d), cancellationToken);

    /// <summary>
    /// Removes the <c>headroom-&lt;pid&gt;-&lt;n&gt;</c> children of <paramref name="parent"/> whose owner is gone
    /// (only those of <paramref name="owner"/> when given, a run the caller knows is gone).
    /// </summary>
    internal static async Task<IReadOnlyList<string>> SweepStaleAsync(string parent, Func<string, CgroupDirectory> open, CancellationToken cancellationToken, int? owner = null)
    {
        var removed = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories(parent, Prefix + "*"))
        {
            var match = TrialName().Match(Path.GetFileName(directory));
            if (!match.Success || !int.TryParse(match.Groups["pid"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var runPid) ||
                (owner is null ? IsAlive(runPid) : runPid != owner))
            {
                continue;
            }
            var cgroup = open(directory);
            IReadOnlyList<int> targets;
            try
            {
                targets = cgroup.ReadPids();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                targets = [];
            }
            if (await cgroup.DestroyAsync(cancellationToken))
            {
                removed.Add(Path.GetFileName(directory));
            }
            RemoveLeftovers(runPid, targets);
        }
        return removed;
    }

    /// <summary>The start of the name of a temporary folder a run with pid <paramref name="owner"/> gives its target.</summary>
    public static string DataFolderPrefix(int owner) => string.Create(CultureInfo.InvariantCulture, $"headroom-{owner}-");

    /// <summary>
    /// What a SIGKILLed run leaves besides its cgroup: the targets' data folders (holding a private key) and the .NET
    /// diagnostic sockets of the targets it swept.
    /// </summary>
    private static void RemoveLeftovers(int owner, IReadOnlyList<int> targets)
    {
        // Only private folders of this user (as a run makes them: 0700): never a symlink, nor another user's look-alike.
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), DataFolderPrefix(owner) + "*")
            .Where(f => Native.FileOwner.WhyNotPrivateFolder(f) is null))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the user; it is in the temporary folder, named after the dead run.
            }
        }
        foreach (var target in targets)
        {
            _ = RuntimeLeftovers.RemoveFor(target);
        }
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");
}
