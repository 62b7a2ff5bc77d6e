using System.Net;
using System.Net.Sockets;
using System.Text;
using Headroom.Memory.Runtime;

namespace Headroom.Tests.Memory.Runtime;

public class RuntimeStatsReaderReadTests
{
    [Fact]
    public async Task ReadAsync_ClosedPort_ThrowsOneLineUserInputNamingTheUrl()
    {
        var url = new Uri($"http://127.0.0.1:{ClosedPort()}/debug/vars");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        var error = await Assert.ThrowsAsync<UserInputException>(
            () => RuntimeStatsReader.ReadAsync(http, url, TestContext.Current.CancellationToken));

        Assert.Contains(url.ToString(), error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("go-expvar.json", "application/json", "expvar")]
    [InlineData("go-client-golang.txt", "text/plain; version=0.0.4; charset=utf-8", "prometheus")]
    public async Task ReadAsync_ServedBody_IsParsed(string file, string contentType, string format)
    {
        using var server = await OneShotServer.StartAsync(200, RecordedBodies.Read(file), contentType, TestContext.Current.CancellationToken);
        using var http = new HttpClient();

        var snapshot = await RuntimeStatsReader.ReadAsync(http, server.Url, TestContext.Current.CancellationToken);

        Assert.Equal(format, snapshot.Format);
        Assert.NotNull(snapshot.Sys);
    }

    [Fact]
    public async Task ReadAsync_BareSocketExceptionFromTheConnectionPool_IsOneLineUserInput()
    {
        // Seen in CI: HttpConnectionPool read RemoteEndPoint of a socket reset just after connecting and threw
        // SocketException (107) unwrapped, which ended a study as "unexpected error".
        using var http = new HttpClient(new ThrowingHandler(new SocketException(107)));
        var url = new Uri("http://127.0.0.1:9/debug/vars");

        var error = await Assert.ThrowsAsync<UserInputException>(() =>
            StatsEndpointBody.ReadAsync(http, url, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));

        Assert.StartsWith($"cannot reach {url}: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private sealed class ThrowingHandler(Exception error) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromException<HttpResponseMessage>(error);
    }

    [Fact]
    public async Task ReadAsync_NotFound_ThrowsUserInputWithTheStatus()
    {
        using var server = await OneShotServer.StartAsync(404, "404 page not found", "text/plain", TestContext.Current.CancellationToken);
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<UserInputException>(
            () => RuntimeStatsReader.ReadAsync(http, server.Url, TestContext.Current.CancellationToken));

        Assert.Contains("404", error.Message);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A raw HTTP/1.1 server on 127.0.0.1 that answers one request with a fixed body.</summary>
    private sealed class OneShotServer : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _serving;

        private OneShotServer(TcpListener listener, Task serving)
        {
            _listener = listener;
            _serving = serving;
        }

        public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/metrics");

        public static Task<OneShotServer> StartAsync(int status, string body, string contentType, CancellationToken ct)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var serving = ServeAsync(listener, status, body, contentType, ct);
            return Task.FromResult(new OneShotServer(listener, serving));
        }

        private static async Task ServeAsync(TcpListener listener, int status, string body, string contentType, CancellationToken ct)
        {
            try
            {
                using var client = await listener.AcceptTcpClientAsync(ct);
                var stream = client.GetStream();
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
                var payload = Encoding.UTF8.GetBytes(body);
                var head = $"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct);
                await stream.WriteAsync(payload, ct);
            }
            catch (OperationCanceledException)
            {
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
