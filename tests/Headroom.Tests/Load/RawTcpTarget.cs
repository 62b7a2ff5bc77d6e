using System.Net;
using System.Net.Sockets;

namespace Headroom.Tests.Load;

/// <summary>
/// A TCP server on 127.0.0.1 port 0 that misbehaves as told (closes, stalls): what Kestrel will not do on purpose.
/// Every accepted connection runs <c>behaviour</c>; disposing closes the listener and every connection.
/// </summary>
internal sealed class RawTcpTarget : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _connections = [];
    private readonly Task _acceptLoop;

    public RawTcpTarget(Func<Socket, CancellationToken, Task> behaviour)
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}/");
        _acceptLoop = AcceptAsync(behaviour);
    }

    public Uri Url { get; }

    public int Accepted { get; private set; }

    private async Task AcceptAsync(Func<Socket, CancellationToken, Task> behaviour)
    {
        try
        {
            while (true)
            {
                var connection = await _listener.AcceptAsync(_stop.Token);
                lock (_connections)
                {
                    _connections.Add(connection);
                    Accepted++;
                }
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await behaviour(connection, _stop.Token);
                    }
                    catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
                    {
                    }
                });
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Reads until the end of a request's header block (requests here carry no body).</summary>
    public static async Task ReadRequestAsync(Socket connection, CancellationToken ct)
    {
        var buffer = new byte[8192];
        var seen = 0;
        while (true)
        {
            var n = await connection.ReceiveAsync(buffer.AsMemory(seen), SocketFlags.None, ct);
            if (n == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }
            seen += n;
            if (buffer.AsSpan(0, seen).IndexOf("\r\n\r\n"u8) >= 0)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }
        _stop.Dispose();
    }
}
