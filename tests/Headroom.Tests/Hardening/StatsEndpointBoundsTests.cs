using System.Diagnostics;
using System.Text;
using Headroom.Memory;
using Headroom.Memory.Runtime;

namespace Headroom.Tests.Hardening;

/// <summary>Every read of a stats endpoint is bounded in size and total time, whatever the endpoint sends.</summary>
public class StatsEndpointBoundsTests
{
    private const string Head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";

    /// <summary>Headers at once, then one byte of a valid body every half second, for a minute.</summary>
    private static async Task TrickleAsync(System.Net.Sockets.NetworkStream stream, CancellationToken ct)
    {
        const string body = "{\"memstats\":{\"Sys\":1000,\"HeapAlloc\":10}}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Head + $"Content-Length: {body.Length + 120}\r\n\r\n"), ct);
        for (var i = 0; i < 120; i++)
        {
            await stream.WriteAsync(" "u8.ToArray(), ct);
            await Task.Delay(500, ct);
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes(body), ct);
    }

    /// <summary>A chunked body without end and without a Content-Length: 64 KiB chunks as fast as they go.</summary>
    private static async Task EndlessChunksAsync(System.Net.Sockets.NetworkStream stream, CancellationToken ct)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Head + "Transfer-Encoding: chunked\r\n\r\n"), ct);
        var chunk = Encoding.ASCII.GetBytes($"10000\r\n{new string(' ', 0x10000)}\r\n");
        while (true)
        {
            await stream.WriteAsync(chunk, ct);
        }
    }

    [Fact]
    public async Task Vars_TricklingBody_GivesUpAtTheTimeoutInOneLine()
    {
        await using var server = new RawHttpServer(TrickleAsync);
        var clock = Stopwatch.StartNew();

        var (exit, _, error) = await CliRun.RunAsync("vars", server.Url().ToString(), "--timeout", "2");

        Assert.Equal(2, exit);
        Assert.Equal($"headroom: {server.Url()} did not send its whole answer within 2 s; is the service running and the port right?\n", error);
        // 2 s asked; generous for a loaded CI machine, far below the minute the body takes.
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 20);
    }

    [Fact]
    public async Task Vars_EndlessChunkedBody_IsRefusedAtTheCapWithoutHoldingMore()
    {
        await using var server = new RawHttpServer(EndlessChunksAsync);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        var (exit, _, error) = await CliRun.RunAsync("vars", server.Url().ToString(), "--timeout", "60");

        Assert.Equal(2, exit);
        Assert.Equal($"headroom: {server.Url()} sent more than 16 MiB, more than a stats endpoint does; check the URL\n", error);
        // Everything this process allocated meanwhile (other tests included): well under the 3.1 GB an unbounded read took.
        Assert.InRange(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, 0, 1024L * 1024 * 1024);
    }

    [Fact]
    public async Task StatsSampler_EndlessChunkedBody_IsAnErrorAtTheCap()
    {
        await using var server = new RawHttpServer(EndlessChunksAsync);
        using var http = new HttpClient();
        await using var source = new HttpStatsSource(http, server.Url(), TimeSpan.FromSeconds(1));

        var figures = await source.ReadNowAsync(TestContext.Current.CancellationToken);

        Assert.Null(figures);
        Assert.Equal($"{server.Url()} sent more than 16 MiB, more than a stats endpoint does; check the URL", source.LastError);
    }

    [Fact]
    public async Task StatsSampler_TricklingBody_GivesUpWithinItsAttemptTime()
    {
        await using var server = new RawHttpServer(TrickleAsync);
        using var http = new HttpClient();
        await using var source = new HttpStatsSource(http, server.Url(), TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        var figures = await source.ReadNowAsync(TestContext.Current.CancellationToken);

        Assert.Null(figures);
        Assert.Contains("did not send its whole answer within 2 s", source.LastError, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 20);
    }

    [Fact]
    public async Task VarsJson_PrometheusNaNAndInfinity_ArePrintedNotACrash()
    {
        await using var server = new RawHttpServer(RawHttpServer.Fixed("text/plain; version=0.0.4",
            "go_memstats_sys_bytes 1.2e7\nprocess_resident_memory_bytes NaN\ngo_memstats_stack_sys_bytes +Inf\n"));

        var (exit, output, error) = await CliRun.RunAsync("vars", "--json", server.Url("/metrics").ToString());

        Assert.Equal((0, ""), (exit, error));
        Assert.Contains("\"process_resident_memory_bytes\": \"NaN\"", output, StringComparison.Ordinal);
        Assert.Contains("\"sys\": 12000000", output, StringComparison.Ordinal);
    }
}
