using System.Runtime.InteropServices;

namespace Headroom.Native;

/// <summary>The libc calls .NET does not expose: SIGKILL to a pid it did not start, and page-cache advice.</summary>
internal static class LibC
{
    public const int SigKill = 9;
    public const int PosixFadvDontNeed = 4;

    // DllImport (blittable signatures) as in Processes/PosixSignals: LibraryImport would need unsafe code allowed.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "posix_fadvise")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int PosixFadvise(int fd, long offset, long length, int advice);
}
