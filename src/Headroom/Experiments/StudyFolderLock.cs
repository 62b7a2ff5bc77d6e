using System.Globalization;

namespace Headroom.Experiments;

/// <summary>
/// The exclusive lock a run holds on its study folder from start to end, so that two runs never measure side by side
/// on one machine nor append the same trials twice. It is an advisory <c>flock</c> on <c>.lock</c> in the folder
/// (.NET takes <c>LOCK_EX|LOCK_NB</c> for <see cref="FileShare.None"/>, and the kernel drops it when the process dies,
/// even by SIGKILL); <c>.owner</c> beside it holds the holder's pid, for the error the next run prints.
/// </summary>
public sealed class StudyFolderLock : IDisposable
{
    public const string LockFile = ".lock";
    public const string OwnerFile = ".owner";

    private readonly FileStream _lock;

    private StudyFolderLock(FileStream held) => _lock = held;

    /// <exception cref="UserInputException">Another process holds the lock.</exception>
    /// <exception cref="OutputFolderException">The folder cannot be written.</exception>
    public static StudyFolderLock Take(string folder)
    {
        var path = Path.Combine(folder, LockFile);
        FileStream held;
        try
        {
            held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && File.Exists(path) && !IsDiskError(e))
        {
            throw new UserInputException($"another headroom run{Owner(folder)} is using the study folder {folder}; wait for it to finish or stop it first", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputFolderException($"cannot lock {folder}: {OutputFolderException.Reason(e)}", e);
        }
        OutputFolderException.Guard(folder, "write to", () =>
            File.WriteAllText(Path.Combine(folder, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
        return new StudyFolderLock(held);
    }

    public void Dispose() => _lock.Dispose();

    private static bool IsDiskError(IOException e) => OutputFolderException.Reason(e) is "no space left on device" or "read-only file system";

    private static string Owner(string folder)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(folder, OwnerFile)).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? $" (pid {pid})" : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
