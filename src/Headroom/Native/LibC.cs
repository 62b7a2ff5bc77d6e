using System.Runtime.InteropServices;

namespace Headroom.Native;

/// <summary>The few libc calls .NET does not expose: signals to arbitrary pids and page-cache advice.</summary>
internal static partial class LibC
{
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int PosixFadvDontNeed = 4;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    public static partial int PosixFadvise(int fd, long offset, long length, int advice);
}
