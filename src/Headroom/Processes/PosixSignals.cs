using System.Runtime.InteropServices;

namespace Headroom.Processes;

/// <summary>Sends a POSIX signal; .NET's Process can only kill (SIGKILL), not ask a process to stop.</summary>
internal static class PosixSignals
{
    // DllImport rather than LibraryImport: the signature is blittable, and LibraryImport would need unsafe code
    // allowed in the whole library for this one call.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);

    /// <summary>True when the signal was delivered; false when the process is already gone.</summary>
    public static bool Send(int pid, StopSignal signal) => Kill(pid, (int)signal) == 0;
}
