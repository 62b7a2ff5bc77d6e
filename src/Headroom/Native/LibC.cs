using System.Runtime.InteropServices;

namespace Headroom.Native;

/// <summary>The libc calls .NET does not expose: SIGKILL to a pid it did not start, page-cache advice, and which pages of a file are cached.</summary>
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

    public const int ProtRead = 1;
    public const int MapShared = 1;
    public static readonly IntPtr MapFailed = new(-1);

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern IntPtr Mmap(IntPtr address, nuint length, int protection, int flags, int fd, long offset);

    [DllImport("libc", EntryPoint = "munmap")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Munmap(IntPtr address, nuint length);

    /// <summary>One byte per page of the mapping; bit 0 set when that page is in the page cache.</summary>
    [DllImport("libc", EntryPoint = "mincore", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Mincore(IntPtr address, nuint length, [In, Out] byte[] pages);

    public const int ReadOnly = 0;

    /// <summary>open(2) without .NET's advisory lock, for files another process holds locked (HotSpot's perf data).</summary>
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "pread", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nint Pread(int fd, [Out] byte[] buffer, nint count, long offset);

    [DllImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Close(int fd);
}
