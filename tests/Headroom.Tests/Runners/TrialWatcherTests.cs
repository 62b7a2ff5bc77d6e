using Headroom.Memory;
using Headroom.Runners.Trial;

namespace Headroom.Tests.Runners;

/// <summary>
/// The trial loop's extension point, with real processes under real limits: a watcher in the options is started on
/// every run of the target and can decide the run or kill the target, whatever the runner.
/// </summary>
[Collection(RealCgroupsCollection.Name)]
public class TrialWatcherTests
{
    private static async Task<TrialResult> RunAsync(LocalRunnerOptions options, int restarts)
    {
        var cgroups = CgroupRequirement.Writable();
        var alloc = await TestPrograms.AllocAsync();
        var executor = new LocalTrialExecutor(new CommandTarget(new TargetLaunch([alloc, "16", "60"])), load: null, options);
        var result = await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi"), KnobSet.None) { Restarts = restarts }, null,
            TestContext.Current.CancellationToken);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
        return result;
    }

    [Fact]
    public async Task WatcherThatDecides_EndsTheHold_AndTheTrialCarriesItsEvidence()
    {
        var options = new LocalRunnerOptions { Hold = TimeSpan.FromSeconds(60), StopGrace = TimeSpan.FromSeconds(1), Watchers = [new DecideOnceCharged(8L << 20)] };

        var result = await RunAsync(options, restarts: 0);

        Assert.Equal(TrialOutcome.Thrashing, result.Outcome);
        Assert.Equal("charged 8388608 bytes or more", result.Evidence);
        // Killed at once rather than held for the 60 s without load (the 16-MiB allocator itself sleeps 60 s).
        Assert.True(result.WallTime < TimeSpan.FromSeconds(40), $"the trial took {result.WallTime}");
        Assert.Null(result.Details.Terminated);
    }

    [Fact]
    public async Task WatcherThatKills_IsSeenAsADeath_AndTheTargetIsStartedAgain()
    {
        var watcher = new KillFirstRun();
        var options = new LocalRunnerOptions { Hold = TimeSpan.FromSeconds(1), StopGrace = TimeSpan.FromSeconds(1), Watchers = [watcher] };

        var result = await RunAsync(options, restarts: 1);

        Assert.Equal(2, watcher.Runs);
        Assert.Equal(1, result.RestartCount);
        Assert.Equal(TrialOutcome.Survived, result.Outcome);
        // The local runner's kill is SIGTERM then SIGKILL without the grace period; the allocator dies of either.
        Assert.True(result.Details.LastState!.ExitCode is 137 or 143, $"exit {result.Details.LastState.ExitCode}");
        Assert.Equal("Error", result.Details.LastState.Reason);
    }

    /// <summary>Decides the run once the cgroup is charged at least <paramref name="bytes"/> (a stand-in for a crawl cut-off).</summary>
    private sealed class DecideOnceCharged(long bytes) : ITrialWatcher
    {
        public async Task WatchAsync(TrialRun run, CancellationToken cancellationToken)
        {
            var charged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnSample(MemorySample sample)
            {
                if (sample.UsageBytes >= bytes)
                {
                    charged.TrySetResult();
                }
            }
            run.Sampler.Sampled += OnSample;
            try
            {
                await charged.Task.WaitAsync(cancellationToken);
                run.Decide($"charged {bytes} bytes or more");
            }
            finally
            {
                run.Sampler.Sampled -= OnSample;
            }
        }
    }

    /// <summary>Kills the first run once it is up, as a kubelet does after failed liveness probes.</summary>
    private sealed class KillFirstRun : ITrialWatcher
    {
        private int _runs;

        public int Runs => _runs;

        public async Task WatchAsync(TrialRun run, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _runs) == 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
                await run.KillAsync();
            }
        }
    }
}
