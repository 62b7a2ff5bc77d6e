using System.Net.Sockets;

namespace Headroom.Tests.Support;

/// <summary><c>test_server.py</c> started outside any limit on a free port, ready when it accepts a connection.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly RunningProcess _process;

    private TestServer(RunningProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/";

    public static async Task<TestServer> StartAsync(params string[] options)
    {
        var port = FreePort.Next();
        var process = ProcessRunner.Start(new ProcessSpec("python3", [TestPrograms.TestServer(), port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. options]));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, TestContext.Current.CancellationToken);
                return new TestServer(process, port);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
