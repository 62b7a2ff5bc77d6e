using System.Text.RegularExpressions;
using Headroom.Runners.Trial;

namespace Headroom.Tests.Runners;

/// <summary>
/// The per-trial rules every runner gets from the one trial loop, with real processes under real limits: the
/// liveness probe, the start bound and the crawl cut-off.
/// </summary>
[Collection(RealCgroupsCollection.Name)]
public class TrialRuleTests
{
    /// <summary>Holds the server for 60 s without load, its liveness probed on /live (1 s / 1 s / 3).</summary>
    private static async Task<TrialResult> HoldAsync(int port, TrialRequest request, params string[] serverOptions) =>
        await RunAsync(new LocalRunnerOptions { Hold = TimeSpan.FromSeconds(60), Liveness = LivenessSettings.Parse($"http://127.0.0.1:{port}/live", null) },
            port, request, serverOptions);

    private static async Task<TrialResult> RunAsync(LocalRunnerOptions options, int port, TrialRequest request, params string[] serverOptions)
    {
        var cgroups = CgroupRequirement.Writable();
        var launch = new TargetLaunch(["python3", TestPrograms.TestServer(), port.ToString(CultureInfo.InvariantCulture), .. serverOptions])
        {
            ReadyUrl = new Uri($"http://127.0.0.1:{port}/ready"),
        };
        var executor = new LocalTrialExecutor(new CommandTarget(launch), load: null, options with { Warm = true, StopGrace = TimeSpan.FromSeconds(1) });
        var result = await executor.RunAsync(request, null, TestContext.Current.CancellationToken);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
        return result;
    }

    [Fact]
    public async Task ServerThatStopsAnsweringItsLivenessUrl_IsUnresponsive_WithinThreePeriods()
    {
        var port = FreePort.Next();

        var result = await HoldAsync(port, new TrialRequest(MemoryQuantity.Parse("64Mi"), KnobSet.None), "--hang-live-after", "2");

        Assert.Equal(TrialOutcome.Unresponsive, result.Outcome);
        Assert.Equal("unresponsive", result.Outcome.ToKebab());
        Assert.Contains($"liveness probe http://127.0.0.1:{port}/live failed 3 times in a row", result.Evidence, StringComparison.Ordinal);
        Assert.Contains("no answer within 1 s", result.Evidence, StringComparison.Ordinal);
        // Hangs 2 s after its start; three 1-s periods (each probe's 1-s timeout within its period) end it, not the 60-s hold.
        var hung = result.Details.Samples[^1].ElapsedMilliseconds / 1000.0;
        Assert.True(result.WallTime < TimeSpan.FromSeconds(20), $"the trial took {result.WallTime}; samples end at {hung:0.0} s");
    }

    [Fact]
    public async Task Unresponsive_WithARestartAllowed_IsKilledAndStartedAgain_AsAKubeletDoes()
    {
        var result = await HoldAsync(FreePort.Next(), new TrialRequest(MemoryQuantity.Parse("64Mi"), KnobSet.None) { Restarts = 1 }, "--hang-live-after", "2");

        // The first run is killed and started again; the second hangs too and, with no restart left, is unresponsive.
        Assert.Equal(1, result.RestartCount);
        Assert.Equal(TrialOutcome.Unresponsive, result.Outcome);
        Assert.NotNull(result.Details.LastState);
        Assert.True(result.WallTime < TimeSpan.FromSeconds(40), $"the trial took {result.WallTime}");
    }

    [Fact]
    public async Task StartThatStallsAtTheLimit_IsStartFailed_AtTheStartBound_NotTheReadinessTimeout()
    {
        // The baseline started in 1 s, so the bound is max(10 s, 5 × 1 s) = 10 s; the readiness timeout stays 60 s.
        var request = new TrialRequest(MemoryQuantity.Parse("48Mi"), KnobSet.None)
        {
            Baseline = new TrialBaseline(1000, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)),
        };

        var result = await RunAsync(new LocalRunnerOptions(), FreePort.Next(), request, "--stall-start", "96");

        Assert.Equal(TrialOutcome.StartFailed, result.Outcome);
        Assert.StartsWith("never became ready within 10 s (5 × the baseline's start, at least 10 s), at the limit", result.Evidence, StringComparison.Ordinal);
        Assert.Contains("pgmajfault +", result.Evidence, StringComparison.Ordinal);
        Assert.True(result.WallTime < TimeSpan.FromSeconds(40), $"the trial took {result.WallTime}");
    }

    [Fact]
    public async Task ServerThatCrawlsAtTheLimit_WithFaultsClimbing_IsThrashing_AgainstTheBaselinesRate_WellWithinTheBound()
    {
        var cgroups = CgroupRequirement.Writable();
        var port = FreePort.Next();
        // 16 MiB of ballast puts its anon memory above a quarter of 48Mi at once: every request then waits 2 s (40 to
        // 500 times its unlimited time here, busy or quiet) while it re-reads a 96-MiB mapped file the kernel keeps
        // evicting. Unlimited, its share is 0 and it answers at full speed.
        var launch = new TargetLaunch(["python3", TestPrograms.TestServer(), port.ToString(CultureInfo.InvariantCulture), "--ballast", "16", "--crawl-above", "0.25"])
        {
            ReadyUrl = new Uri($"http://127.0.0.1:{port}/ready"),
        };
        var load = HeyLoad.Parse($"-c 2 -n 200 http://127.0.0.1:{port}/");
        var executor = new LocalTrialExecutor(new CommandTarget(launch), load, new LocalRunnerOptions { Warm = true, StopGrace = TimeSpan.FromSeconds(1) });
        var baseline = await executor.RunAsync(new TrialRequest(null, KnobSet.None), null, TestContext.Current.CancellationToken);
        Assert.Equal(TrialOutcome.Survived, baseline.Outcome);
        var bound = TrialBounds.Load(new TrialRequest(null, KnobSet.None) { Baseline = new TrialBaseline(1, null, baseline.Load!.Duration) }, null);

        var result = await LoadValidity.Judging(executor, baseline).RunAsync(new TrialRequest(MemoryQuantity.Parse("48Mi"), KnobSet.None), null, TestContext.Current.CancellationToken);

        Assert.Equal(TrialOutcome.Thrashing, result.Outcome);
        // Both rates: the trial's own and the baseline's, with the faults at the limit.
        Assert.True(Regex.IsMatch(result.Evidence, @"^crawling: [\d.,]+ req/s for \d\.\d s, [\d.]+ % of the baseline's [\d,]+ req/s, with pgmajfault \+[\d,]+ at the limit$"),
            $"{result.Evidence} (baseline {baseline.Load.RequestsPerSecond:0.0} req/s)");
        Assert.Contains($"of the baseline's {baseline.Load.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture)} req/s", result.Evidence, StringComparison.Ordinal);
        // At 1 request a second its 200 requests would take 200 s; the crawl rule ends it after one window, before the load's bound.
        var loadSamples = result.Details.Samples.Where(s => s.CompletedRequests is not null).ToList();
        var loadSeconds = (loadSamples[^1].ElapsedMilliseconds - loadSamples[0].ElapsedMilliseconds) / 1000.0;
        Assert.True(loadSeconds < bound.TotalSeconds, $"the load ran {loadSeconds:0.0} s; its bound was {bound}");
        Assert.True(result.WallTime < TimeSpan.FromSeconds(40), $"the trial took {result.WallTime}");
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
    }

    [Fact]
    public async Task LoadTimeout_ALoadThatOutlastsIt_EndsTheTrialAtTheBound_AsThrashingAtTheLimit()
    {
        var cgroups = CgroupRequirement.Writable();
        var port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var started = System.Diagnostics.Stopwatch.StartNew();

        // Under 48Mi the server crawls at about 1 request a second: its 400 requests would take 400 s. `run` has no
        // baseline (so no crawl rule); --load-timeout 4s ends it.
        var folder = Path.Combine(Path.GetTempPath(), $"headroom-load-timeout-{Guid.NewGuid():N}");
        var (exit, stdout, stderr) = await CliRun.RunAsync("run", "--limit", "48Mi", "--warm", "--load-timeout", "4s", "--out", folder,
            "--ready", $"http://127.0.0.1:{port}/ready", "--load", $"-c 2 -n 400 http://127.0.0.1:{port}/",
            "--", "python3", TestPrograms.TestServer(), port, "--ballast", "16", "--crawl-above", "0.25");
        Directory.Delete(folder, recursive: true);

        Assert.Equal(1, exit);
        Assert.Matches(@"Outcome: +thrashing \(the load did not finish within 4 s while at the limit \([\d.]+ MiB charged, pgmajfault \+[\d,]+ in [\d.]+ s\)\)", stdout);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(40), $"the run took {started.Elapsed}; {stderr}");
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
    }

    [Theory]
    [InlineData("soon", "headroom: --load-timeout 'soon' is not a duration: give one such as 10m, 1h30m or 90s")]
    [InlineData("0s", "headroom: --load-timeout '0s' is not a bound on a load: give one above 0, e.g. 90s or 5m")]
    public async Task LoadTimeout_BadInput_IsOneLine_Exit2(string given, string expected)
    {
        foreach (var command in new[] { "run", "study", "verify" })
        {
            string[] limit = command == "study" ? [] : ["--limit", "64Mi"];
            var (exit, _, stderr) = await CliRun.RunAsync([command, "--load-timeout", given, .. limit, "--load", "-n 10 http://127.0.0.1:9/", "--", "/bin/true"]);

            Assert.Equal((2, expected), (exit, stderr.TrimEnd('\n')));
        }
        var error = Assert.Throws<UserInputException>(() => Headroom.Specs.StudySpecReader.Parse("loadTimeout: 0s\n"));
        Assert.Equal("headroom.yaml: loadTimeout '0s' is not a bound on a load: give one above 0, e.g. 90s or 5m", error.Message);
        Assert.Equal(TimeSpan.FromSeconds(90), Headroom.Specs.StudySpecReader.Parse("loadTimeout: 90s\n").LoadTimeout);
    }

    [Fact]
    public void LivenessTiming_Parses_AndBadInputIsOneLine()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), LivenessSettings.Parse(null, "kubernetes").Period);
        var custom = LivenessSettings.Parse("none", "2/0.5/4");
        Assert.True(custom.Off);
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(0.5), 4), (custom.Period, custom.Timeout, custom.Failures));
        var error = Assert.Throws<UserInputException>(() => LivenessSettings.Parse(null, "1/1"));
        Assert.DoesNotContain('\n', error.Message);
        Assert.Throws<UserInputException>(() => LivenessSettings.Parse("ftp://x/", null));
    }
}
