using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SalesApi.Auth;

/// <summary>
/// Refuses a signing key anyone else could have planted or read: a key file (or its folder) that is a symlink, is
/// owned by another user, or that others can read (a folder: write to). In a shared $TMPDIR any local user could
/// otherwise put a key where the sample looks, and every token signed with it would be accepted.
/// </summary>
internal static class KeyFileCheck
{
    /// <exception cref="IOException">The path is not private to this user; the message says why in one line.</exception>
    public static void RequirePrivate(string path, bool folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var what = folder ? "key folder" : "key file";
        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            throw new IOException($"{what} {path}: cannot read its owner (errno {Marshal.GetLastPInvokeError()})");
        }
        var uid = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(20));
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28));
        if ((mode & 0xF000) == 0xA000)
        {
            throw new IOException($"{what} {path} is a symlink; refusing it (give a real file with SALES_KEYS_PATH)");
        }
        var me = GetEffectiveUserId();
        if (uid != me)
        {
            throw new IOException($"{what} {path} is owned by uid {uid}, not by this user ({me}); refusing a key another user could have planted");
        }
        var others = folder ? 0x12 : 0x3F; // group/other write for a folder (022); any group/other bit for a key (077)
        if ((mode & others) != 0)
        {
            throw new IOException($"{what} {path} has mode {Convert.ToString(mode & 0xFFF, 8).PadLeft(4, '0')}: others can use it; chmod {(folder ? "700" : "600")} it or remove it");
        }
    }

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;

    // statx, not stat: its layout is the same on every Linux architecture. uid at byte 20, mode at byte 28.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint GetEffectiveUserId();
}
