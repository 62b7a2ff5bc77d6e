namespace Headroom.Tests.GoSample;

/// <summary>The Go sample stops cleanly on SIGTERM, as a kubelet stops a pod.</summary>
public sealed class GoSalesApiShutdownTests
{
    [Fact]
    public async Task Sigterm_DrainsAndExitsZero()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = new GoSalesApiFixture();
        await api.InitializeAsync();

        var result = await api.StopAsync(ct);

        Assert.Equal(0, result.ExitCode);
        Assert.False(result.Killed);
        Assert.Contains("shutdown: complete", result.StandardError, StringComparison.Ordinal);
    }
}
