using System.Diagnostics;
using System.Net.Sockets;
using Headroom.Load;
using static Headroom.Tests.Load.LoadEngines;
using Microsoft.AspNetCore.Http;

namespace Headroom.Tests.Load;

public sealed class LoadGeneratorTests
{
    private static CancellationToken Bounded(TimeSpan limit)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(limit);
        return cts.Token;
    }

    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_N1000C7_SendsExactly1000(string engine)
    {
        var served = 0;
        await using var target = await KestrelTarget.StartAsync(async context =>
        {
            Interlocked.Increment(ref served);
            await context.Response.WriteAsync("hello");
        }, TestContext.Current.CancellationToken);

        var report = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = target.Url, Requests = 1000, Concurrency = 7 }, null, Bounded(TimeSpan.FromSeconds(60)));

        Assert.Equal(1000, served);
        Assert.Equal(1000, report.Requests);
        Assert.Equal(1000, report.CountOf(200));
        Assert.Equal(0, report.ErrorCount);
        Assert.Equal(5, report.SizePerRequestBytes);
        Assert.Equal(1000, report.DecodeLatencyHistogram().TotalCount);
    }

    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_TargetWithKnownStatusMix_CountsEachStatusExactly(string engine)
    {
        var served = 0;
        await using var target = await KestrelTarget.StartAsync(context =>
        {
            // Of every ten requests: six 200, three 404, one 500.
            var n = Interlocked.Increment(ref served) % 10;
            context.Response.StatusCode = n < 6 ? 200 : n < 9 ? 404 : 500;
            return context.Response.WriteAsync("body");
        }, TestContext.Current.CancellationToken);

        var report = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = target.Url, Requests = 1000, Concurrency = 10 }, null, Bounded(TimeSpan.FromSeconds(60)));

        Assert.Equal([new(200, 600), new(404, 300), new(500, 100)], report.StatusCodes);
        Assert.Equal(0, report.ErrorCount);
    }

    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_TargetClosingEveryConnectionAfterItsResponse_AllRequestsSucceed(string engine)
    {
        await using var target = await KestrelTarget.StartAsync(context =>
        {
            context.Response.Headers.Connection = "close";
            return context.Response.WriteAsync("bye");
        }, TestContext.Current.CancellationToken);

        var report = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = target.Url, Requests = 300, Concurrency = 5 }, null, Bounded(TimeSpan.FromSeconds(60)));

        Assert.Equal(300, report.CountOf(200));
        Assert.Equal(0, report.ErrorCount);
        Assert.True(report.Details.DnsDialup.SlowestSeconds > 0, "every request should have dialled a new connection");
    }

    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_TargetClosingWithoutAnswering_CountsClosedErrorsAndEnds(string engine)
    {
        await using var target = new RawTcpTarget(async (connection, ct) =>
        {
            await RawTcpTarget.ReadRequestAsync(connection, ct);
            connection.Shutdown(SocketShutdown.Both);
            connection.Close();
        });

        var report = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = target.Url, Requests = 50, Concurrency = 5 }, null, Bounded(TimeSpan.FromSeconds(30)));

        Assert.Equal(50, report.Requests);
        Assert.Equal(0, report.Responses);
        Assert.Equal(50, report.CountOf(LoadErrorKind.Closed) + report.CountOf(LoadErrorKind.Reset));
    }

    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_StallingTarget_CountsTimeoutsAndEndsWithinTheTimeout(string engine)
    {
        await using var target = new RawTcpTarget(async (connection, ct) =>
        {
            await RawTcpTarget.ReadRequestAsync(connection, ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        var clock = Stopwatch.StartNew();

        var report = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = target.Url, Requests = 6, Concurrency = 3, Timeout = TimeSpan.FromMilliseconds(500) },
            null, Bounded(TimeSpan.FromSeconds(30)));

        Assert.Equal(6, report.CountOf(LoadErrorKind.Timeout));
        Assert.Equal(0, report.Responses);
        // Two rounds of three workers, 0.5 s each: about a second, far from hanging.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_DurationWithStallingTargetAndNoTimeout_EndsAtTheDuration(string engine)
    {
        await using var target = new RawTcpTarget(async (connection, ct) =>
        {
            await RawTcpTarget.ReadRequestAsync(connection, ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        var clock = Stopwatch.StartNew();

        var report = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = target.Url, Duration = TimeSpan.FromSeconds(1), Concurrency = 2, Timeout = TimeSpan.Zero },
            null, Bounded(TimeSpan.FromSeconds(30)));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Equal(0, report.Responses);
    }

    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_NothingListening_ReportsConnectionRefused(string engine)
    {
        Uri url;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            url = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)probe.LocalEndPoint!).Port}/");
        }

        var report = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = url, Requests = 20, Concurrency = 2 }, null, Bounded(TimeSpan.FromSeconds(30)));

        Assert.Equal([LoadErrorKind.Refused], report.Errors.Select(e => e.Kind));
        Assert.Equal(20, report.CountOf(LoadErrorKind.Refused));
    }

    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_Cancelled_ThrowsAndStopsPromptly(string engine)
    {
        await using var target = new RawTcpTarget(async (connection, ct) =>
        {
            await RawTcpTarget.ReadRequestAsync(connection, ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = target.Url, Requests = 10, Concurrency = 2, Timeout = TimeSpan.Zero }, null, cts.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_Warmup_IsSentButNotCounted(string engine)
    {
        var served = 0;
        await using var target = await KestrelTarget.StartAsync(context =>
        {
            Interlocked.Increment(ref served);
            return Task.CompletedTask;
        }, TestContext.Current.CancellationToken);

        var report = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = target.Url, Requests = 100, Concurrency = 4, Warmup = 30 }, null, Bounded(TimeSpan.FromSeconds(30)));

        Assert.Equal(130, served);
        Assert.Equal(100, report.Requests);
        Assert.Equal(30, report.WarmupRequests);
    }

    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_SameOriginRedirect_IsFollowed(string engine)
    {
        await using var target = await KestrelTarget.StartAsync(context =>
        {
            if (context.Request.Path == "/old")
            {
                context.Response.Redirect("/new");
                return Task.CompletedTask;
            }
            return context.Response.WriteAsync(context.Request.Path);
        }, TestContext.Current.CancellationToken);

        var followed = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = new Uri(target.Url, "/old"), Requests = 10, Concurrency = 2 }, null, Bounded(TimeSpan.FromSeconds(30)));
        var notFollowed = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = new Uri(target.Url, "/old"), Requests = 10, Concurrency = 2, DisableRedirects = true },
            null, Bounded(TimeSpan.FromSeconds(30)));

        Assert.Equal(10, followed.CountOf(200));
        Assert.Equal(10, notFollowed.CountOf(302));
    }

    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_ChunkedBodiesAndPostWithBody_AreReadWhole(string engine)
    {
        await using var target = await KestrelTarget.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            // No Content-Length: Kestrel sends a chunked response, flushed in two pieces.
            await context.Response.WriteAsync(body);
            await context.Response.Body.FlushAsync();
            await context.Response.WriteAsync(body);
        }, TestContext.Current.CancellationToken);

        var report = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = target.Url, Method = "POST", Body = "0123456789"u8.ToArray(), Requests = 200, Concurrency = 4 },
            null, Bounded(TimeSpan.FromSeconds(30)));

        Assert.Equal(200, report.CountOf(200));
        Assert.Equal(200 * 20, report.TotalDataBytes);
    }

    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_RatePerWorker_PacesEachWorker(string engine)
    {
        await using var target = await KestrelTarget.StartAsync(context => context.Response.WriteAsync("ok"), TestContext.Current.CancellationToken);

        // -q 20 -c 2 -n 40: each worker sends at most 20 a second (hey's meaning of -q), so its 20 requests take at
        // least 19 gaps of 50 ms; unpaced, 40 requests to this target take a few milliseconds.
        var report = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = target.Url, RatePerWorker = 20, Concurrency = 2, Requests = 40 },
            null, Bounded(TimeSpan.FromSeconds(30)));

        Assert.Equal(40, report.CountOf(200));
        Assert.InRange(report.TotalSeconds, 0.9, 10);
    }

    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_DisableKeepAlive_OpensOneConnectionPerRequest(string engine)
    {
        var connections = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        await using var target = await KestrelTarget.StartAsync(context =>
        {
            connections.TryAdd(context.Connection.Id, 0);
            return context.Response.WriteAsync("ok");
        }, TestContext.Current.CancellationToken);

        var report = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = target.Url, Requests = 60, Concurrency = 3, DisableKeepAlive = true },
            null, Bounded(TimeSpan.FromSeconds(30)));

        Assert.Equal(60, report.CountOf(200));
        Assert.Equal(60, connections.Count);
    }

    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_BodyLargerThanTheSocketBuffer_IsSentWhole(string engine)
    {
        var body = new byte[8 * 1024 * 1024];
        Random.Shared.NextBytes(body);
        long received = 0;
        await using var target = await KestrelTarget.StartAsync(async context =>
        {
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                Interlocked.Add(ref received, n);
            }
            await context.Response.WriteAsync("ok");
        }, TestContext.Current.CancellationToken);

        var report = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = target.Url, Method = "PUT", Body = body, Requests = 4, Concurrency = 2 },
            null, Bounded(TimeSpan.FromSeconds(60)));

        Assert.Equal(4, report.CountOf(200));
        Assert.Equal(4L * body.Length, Interlocked.Read(ref received));
    }
}
