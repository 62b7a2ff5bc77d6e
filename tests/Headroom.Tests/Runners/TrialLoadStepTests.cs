using System.Net;
using System.Net.Sockets;
using Headroom.Memory;

namespace Headroom.Tests.Runners;

/// <summary>
/// A load that times out on its own against a target that is still alive (a token fetch that gets no answer) must
/// not leave the trial looking survived: at the limit it is thrashing, well below it the user's load is wrong.
/// </summary>
public class TrialLoadStepTests
{
    private const long Limit = 10L << 20;

    /// <summary>Like the bundled samples' loads: one set-up request (with its own timeout) before the load itself.</summary>
    private sealed class TokenFirstLoad(Uri tokenUrl) : ITrialLoad
    {
        public string Describe() => $"token from {tokenUrl}, then hey";

        public async Task<TrialLoadRun> RunAsync(TargetLaunch target, IProgress<long> completed, CancellationToken cancellationToken)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
            await http.GetStringAsync(tokenUrl, cancellationToken);
            throw new InvalidOperationException("the stalled target answered");
        }
    }

    private static async Task<(TrialLoadRun? Run, ThrashingDetector Detector)> RunAgainstStalledTargetAsync(long charged)
    {
        // Accepts connections and never answers, as a target that is thrashing does.
        using var stalled = new TcpListener(IPAddress.Loopback, 0);
        stalled.Start();
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)stalled.LocalEndpoint).Port}/v1/users/token/1");
        var detector = new ThrashingDetector(Limit, new ThrashingSettings());
        detector.Observe(new MemorySample(0, "ready", charged, charged, charged / 2, charged / 2, 0, 0, 100, 0, 0, null, null, 0, null, null));
        detector.Observe(new MemorySample(900, "load", charged, charged, charged / 2, charged / 2, 0, 0, 280, 0, 0, null, null, 0, null, null));
        await using var sampler = new MemorySampler(null, () => null, () => null, () => null, TimeSpan.FromSeconds(1));
        var alive = new TaskCompletionSource().Task;
        var run = await TrialLoadStep.RunAsync(new TokenFirstLoad(url), new TargetLaunch(["target"]), alive, detector, sampler,
            TimeSpan.Zero, TimeSpan.FromMinutes(1), null, TestContext.Current.CancellationToken);
        return (run, detector);
    }

    [Fact]
    public async Task SetUpTimesOut_AtTheLimit_IsThrashingEvidence_NotASurvival()
    {
        var (run, detector) = await RunAgainstStalledTargetAsync(charged: Limit);

        Assert.Null(run);
        Assert.Equal("the load's requests timed out before it began (e.g. fetching its token) while at the limit (10.0 MiB charged, pgmajfault +180 in 0.9 s)",
            detector.Evidence);
    }

    [Fact]
    public async Task SetUpTimesOut_FarBelowTheLimit_IsAOneLineUserError()
    {
        var error = await Assert.ThrowsAsync<UserInputException>(() => RunAgainstStalledTargetAsync(charged: Limit / 4));

        Assert.Equal("the load's requests timed out before it began (e.g. fetching its token), though the target is running and not short of memory; check the load's URLs and the target",
            error.Message);
    }
}
