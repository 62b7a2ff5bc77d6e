using System.Net.Security;
using System.Net.Sockets;

namespace Headroom.Load;

/// <summary>
/// One worker's TCP connection: a raw socket for http (no per-request allocation: the socket's own awaitable
/// operations are reused), or an SslStream over it for https (slower, allocates). <see cref="Abort"/> may be called
/// from another thread (timeouts, cancellation); it fails whatever operation is pending.
/// </summary>
internal sealed class LoadConnection : IDisposable
{
    private readonly Socket _socket;
    private SslStream? _tls;

    public LoadConnection(LoadTarget target)
    {
        _socket = new Socket(target.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    }

    public async ValueTask ConnectAsync(LoadTarget target, CancellationToken ct)
    {
        await _socket.ConnectAsync(target.EndPoint, ct);
        if (target.UseTls)
        {
            _tls = new SslStream(new NetworkStream(_socket, ownsSocket: false), leaveInnerStreamOpen: false);
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = target.Host,
                // As hey (InsecureSkipVerify): a load generator is pointed at test services with self-signed certificates.
#pragma warning disable CA5359
                RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
            };
            await _tls.AuthenticateAsClientAsync(options, ct);
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes)
    {
        if (_tls is not null)
        {
            await _tls.WriteAsync(bytes);
            return;
        }
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None);
            bytes = bytes[sent..];
        }
    }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer) =>
        _tls is not null ? _tls.ReadAsync(buffer) : _socket.ReceiveAsync(buffer, SocketFlags.None);

    public void Abort() => _socket.Dispose();

    public void Dispose()
    {
        _tls?.Dispose();
        _socket.Dispose();
    }
}
