using System.Runtime.InteropServices;

namespace Headroom.Load.EventLoop;

/// <summary>
/// The few libc calls the event loop makes itself: epoll, and send/recv on the socket's descriptor. .NET's socket
/// engine costs a thread-pool style dispatch and an extra failed receive per request; on a 2-core box that is CPU
/// taken from the service under test, so the plain-http hot path talks to the kernel as wrk does.
/// </summary>
internal static partial class LinuxSockets
{
    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int EPIPE = 32;
    public const int ECONNRESET = 104;
    public const int ETIMEDOUT = 110;
    public const int ECONNREFUSED = 111;
    public const int EINPROGRESS = 115;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;

    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;
    public const int EPOLL_CLOEXEC = 0x80000;

    private const int MSG_NOSIGNAL = 0x4000;
    private const int SOL_SOCKET = 1;
    private const int SO_ERROR = 4;

    /// <summary>
    /// Size of <c>struct epoll_event</c>: packed (12 bytes) on x86-64, naturally aligned (16) elsewhere; the data
    /// field follows the 4-byte event mask, at offset 4 or 8.
    /// </summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    public static readonly int EventDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    /// <summary>True where the event loop can run: Linux on a 64-bit architecture.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static unsafe partial int EpollWait(int epfd, byte* events, int maxEvents, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static unsafe partial int EpollCtl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static unsafe partial nint Recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static unsafe partial nint Send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static unsafe partial int GetSockOpt(int fd, int level, int name, int* value, int* length);

    /// <summary>Waits for events; returns how many were written to <paramref name="events"/>, or -errno.</summary>
    public static unsafe int Wait(int epfd, Span<byte> events, int timeoutMs)
    {
        fixed (byte* p = events)
        {
            var n = EpollWait(epfd, p, events.Length / EventSize, timeoutMs);
            return n >= 0 ? n : -Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>Adds, changes or removes <paramref name="fd"/>'s interest; returns 0 or -errno.</summary>
    public static unsafe int Control(int epfd, int op, int fd, uint events, ulong data)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(ulong*)(ev + EventDataOffset) = data;
        return EpollCtl(epfd, op, fd, ev) == 0 ? 0 : -Marshal.GetLastPInvokeError();
    }

    public static uint EventMask(ReadOnlySpan<byte> events, int index) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(events[(index * EventSize)..]);

    public static ulong EventData(ReadOnlySpan<byte> events, int index) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(events[(index * EventSize + EventDataOffset)..]);

    /// <summary>Receives into <paramref name="buffer"/>; returns the byte count (0 = end of stream) or -errno.</summary>
    public static unsafe int Receive(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var n = Recv(fd, p, buffer.Length, 0);
            return n >= 0 ? (int)n : -Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>Sends from <paramref name="bytes"/>; returns the byte count written or -errno.</summary>
    public static unsafe int Transmit(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            var n = Send(fd, p, bytes.Length, MSG_NOSIGNAL);
            return n >= 0 ? (int)n : -Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>The pending error of a socket (a non-blocking connect's result): 0 or an errno.</summary>
    public static unsafe int PendingError(int fd)
    {
        int value = 0, length = sizeof(int);
        return GetSockOpt(fd, SOL_SOCKET, SO_ERROR, &value, &length) == 0 ? value : Marshal.GetLastPInvokeError();
    }
}
