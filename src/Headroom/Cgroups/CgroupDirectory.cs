using Headroom.Native;

namespace Headroom.Cgroups;

/// <summary>
/// A cgroup directory of any controller: the processes in it, how to end them, how to remove it. Memory and CPU
/// cgroups of a trial are both removed this way.
/// </summary>
public abstract class CgroupDirectory
{
    protected CgroupDirectory(string directory) => Directory = directory;

    /// <summary>The cgroup's directory under the cgroup file system.</summary>
    public string Directory { get; }

    public string Name => Path.GetFileName(Directory);

    /// <summary>The file a process writes its pid to in order to join (the exec helper writes <c>$$</c> here).</summary>
    public string ProcsFile => Path.Combine(Directory, "cgroup.procs");

    public virtual IReadOnlyList<int> ReadPids() => CgroupFiles.ReadPids(Directory);

    /// <summary>
    /// SIGKILLs every process in the cgroup until it is empty or the timeout passes; true when empty. A target that
    /// double-forks into a new session is still in the cgroup, so it is ended too. On cgroup v2 with
    /// <c>cgroup.kill</c> (Linux 5.14) the kernel kills them all at once, forks in flight included; the loop then
    /// only waits for the cgroup to drain.
    /// </summary>
    public async Task<bool> KillAllAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var kill = Path.Combine(Directory, "cgroup.kill");
        if (File.Exists(kill))
        {
            try
            {
                await File.WriteAllTextAsync(kill, "1", cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not allowed here: the pid-by-pid loop below does the same, more slowly.
            }
        }
        while (true)
        {
            IReadOnlyList<int> pids;
            try
            {
                pids = ReadPids();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return !System.IO.Directory.Exists(Directory);
            }
            if (pids.Count == 0)
            {
                return true;
            }
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            foreach (var pid in pids)
            {
                _ = LibC.Kill(pid, LibC.SigKill);
            }
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Ends every process in it and removes the directory; tolerates it being gone already.</summary>
    public async Task<bool> DestroyAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return true;
        }
        await KillAllAsync(TimeSpan.FromSeconds(10), cancellationToken);
        // rmdir fails with EBUSY while the kernel is still tearing the last task down.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                System.IO.Directory.Delete(Directory);
                return true;
            }
            catch (DirectoryNotFoundException)
            {
                return true;
            }
            catch (IOException)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
        return false;
    }
}
