using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Headroom.Native;

/// <summary>
/// The owner and mode of a path, not following a final symlink (.NET has no API for the owner). Uses <c>statx</c>,
/// whose layout is the same on every Linux architecture, unlike <c>struct stat</c>.
/// </summary>
public static class FileOwner
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int UidOffset = 20;
    private const int ModeOffset = 28;
    private const int StatxSize = 256;

    /// <summary>The user this process acts as.</summary>
    public static uint EffectiveUser => GetEffectiveUserId();

    /// <summary>The owner's uid and the mode bits (type included) of <paramref name="path"/>, or null when it does not exist.</summary>
    public static (uint Uid, uint Mode)? Of(string path)
    {
        var buffer = new byte[StatxSize];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            return null;
        }
        return (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(UidOffset)),
            BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(ModeOffset)));
    }

    /// <summary>
    /// Why <paramref name="path"/> is not a private folder of this user (null when it is): a symlink, another owner,
    /// or group/other permissions.
    /// </summary>
    public static string? WhyNotPrivateFolder(string path)
    {
        if (Of(path) is not { } stat)
        {
            return "it does not exist";
        }
        const uint typeMask = 0xF000;
        const uint directory = 0x4000;
        if ((stat.Mode & typeMask) != directory)
        {
            return "it is not a folder (a symlink or a file)";
        }
        if (stat.Uid != EffectiveUser)
        {
            return $"it is owned by uid {stat.Uid}, not by this user ({EffectiveUser})";
        }
        return (stat.Mode & 0x3F) != 0 ? $"others can use it (mode {Convert.ToString(stat.Mode & 0xFFF, 8)}); chmod 700 it" : null;
    }

    // DllImport (blittable signatures) as in LibC: LibraryImport would need unsafe code allowed.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint GetEffectiveUserId();
}
