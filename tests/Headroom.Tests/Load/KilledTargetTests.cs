using System.Diagnostics;
using Headroom.Load;
using static Headroom.Tests.Load.LoadEngines;

namespace Headroom.Tests.Load;

public sealed class KilledTargetTests
{
    [Theory]
    [InlineData("EventLoop")]
    [InlineData("Async")]
    public async Task RunAsync_TargetKilledMidRun_CountsErrorsAndEndsWithoutHanging(string engine)
    {
        await using var target = await GoLoadTarget.StartAsync(TestContext.Current.CancellationToken);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(60));
        var killed = 0;
        // Kill the target from the progress callback, once a few thousand requests have been answered.
        var progress = new InlineProgress(p =>
        {
            if (p.Completed >= 2000 && Interlocked.Exchange(ref killed, 1) == 0)
            {
                target.Kill();
            }
        });
        var clock = Stopwatch.StartNew();

        var report = await LoadGenerator.RunAsync(
            new LoadOptions { Engine = Parse(engine), Url = target.Url, Requests = 30_000, Concurrency = 10, Timeout = TimeSpan.FromSeconds(2) },
            progress, bound.Token);

        Assert.Equal(1, killed);
        Assert.Equal(30_000, report.Requests);
        Assert.True(report.Responses >= 2000, $"{report.Responses} responses before the kill");
        Assert.True(report.CountOf(LoadErrorKind.Refused) > 0, HeyReportFormatter.Format(report));
        Assert.Equal(report.Requests, report.Responses + report.ErrorCount);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"took {clock.Elapsed}");
    }

    private sealed class InlineProgress(Action<LoadProgress> report) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value) => report(value);
    }
}
