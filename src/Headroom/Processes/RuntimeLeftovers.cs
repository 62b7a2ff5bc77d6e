namespace Headroom.Processes;

/// <summary>
/// What a .NET process leaves in the temp folder when it is killed instead of exiting: its diagnostic IPC socket
/// (<c>dotnet-diagnostic-PID-*-socket</c>) and debugger pipes (<c>clr-debug-pipe-PID-*</c>). A runtime that exits
/// removes them itself; an OOM kill or SIGKILL does not, and a study kills dozens of targets (16 were left after one
/// CI run, a study and a few runs).
/// </summary>
public static class RuntimeLeftovers
{
    /// <summary>Removes the leftovers of the exited process <paramref name="pid"/>; returns how many there were.</summary>
    /// <param name="pid">A process that has exited (while it runs, its socket is in use and must stay).</param>
    /// <param name="tempDirectory">Where the runtime put them: the target's TMPDIR, by default ours.</param>
    public static int RemoveFor(int pid, string? tempDirectory = null)
    {
        var folder = tempDirectory ?? Path.GetTempPath();
        var removed = 0;
        foreach (var pattern in new[] { $"dotnet-diagnostic-{pid}-*", $"clr-debug-pipe-{pid}-*" })
        {
            IEnumerable<string> paths;
            try
            {
                paths = Directory.EnumerateFiles(folder, pattern);
            }
            catch (IOException)
            {
                return removed;
            }
            foreach (var path in paths)
            {
                try
                {
                    File.Delete(path);
                    removed++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another user's file with a reused pid, or already gone: not ours to insist on.
                }
            }
        }
        return removed;
    }
}
