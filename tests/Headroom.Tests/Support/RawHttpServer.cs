using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Headroom.Tests.Support;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1 port 0 whose every answer is written by the test (a hostile endpoint: a body
/// that trickles, a chunked body without end, a lying Content-Length). Serves connections until disposed.
/// </summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<NetworkStream, CancellationToken, Task> _answer;
    private readonly Task _serving;

    public RawHttpServer(Func<NetworkStream, CancellationToken, Task> answer)
    {
        _answer = answer;
        _listener.Start();
        _serving = ServeAsync();
    }

    public Uri Url(string path = "/debug/vars") => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}");

    /// <summary>An answer with a whole body and its Content-Length.</summary>
    public static Func<NetworkStream, CancellationToken, Task> Fixed(string contentType, string body) => async (stream, ct) =>
    {
        var payload = Encoding.UTF8.GetBytes(body);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n"), ct);
        await stream.WriteAsync(payload, ct);
    };

    private async Task ServeAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            var stream = client.GetStream();
                            await ReadRequestAsync(stream, _stop.Token);
                            await _answer(stream, _stop.Token);
                        }
                        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
                        {
                            // The client gave up (as it should) or the server stopped.
                        }
                    }
                });
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private static async Task ReadRequestAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[8192];
        var request = new StringBuilder();
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0)
            {
                return;
            }
            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving;
        _stop.Dispose();
    }
}
