using Docker.DotNet.Models;
using Headroom.Runners.Docker;

namespace Headroom.Tests.Docker;

/// <summary>Nothing is left in the engine: not after Ctrl+C, and not after a run that was killed outright.</summary>
[Collection(DockerEngineCollection.Name)]
public class DockerCleanupTests(DockerEngineFixture engine)
{
    [Fact]
    public async Task CancelledTrial_RemovesItsContainer()
    {
        engine.Require();
        var target = new ContainerTarget(engine.BusyboxImage) { Command = ["sleep", "60"] };
        using var executor = new DockerTrialExecutor(target, load: null, new DockerRunnerOptions { Endpoint = engine.Endpoint, Hold = TimeSpan.FromMinutes(1) });
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var runningContainers = 0;
        var progress = new InlineProgress<string>(line =>
        {
            if (line.StartsWith("ready", StringComparison.Ordinal))
            {
                runningContainers = engine.OwnContainersAsync().GetAwaiter().GetResult().Count;
                cancel.CancelAfter(TimeSpan.FromMilliseconds(300));
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi"), KnobSet.None), progress, cancel.Token));
        Assert.Equal(1, runningContainers);
        Assert.Empty(await engine.OwnContainersAsync());
    }

    [Fact]
    public async Task StaleContainerOfADeadOwner_IsRemovedAtTheNextStart_OthersAreLeftAlone()
    {
        engine.Require();
        var ct = TestContext.Current.CancellationToken;
        // A pid above pid_max has never been alive: the owner of a run killed with SIGKILL.
        var deadPid = int.Parse(await File.ReadAllTextAsync("/proc/sys/kernel/pid_max", ct), System.Globalization.CultureInfo.InvariantCulture) + 1;
        var stale = await CreateLabelledAsync($"headroom-stale-{Environment.ProcessId}", deadPid, Environment.MachineName, ct);
        var otherHost = await CreateLabelledAsync($"headroom-other-host-{Environment.ProcessId}", deadPid, "another-machine", ct);
        try
        {
            using var executor = new DockerTrialExecutor(new ContainerTarget(engine.BusyboxImage), null, new DockerRunnerOptions { Endpoint = engine.Endpoint });
            await executor.OpenAsync(ct);
            Assert.Equal([$"headroom-stale-{Environment.ProcessId}"], executor.SweptStale);
            var left = await engine.Client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, ct);
            Assert.DoesNotContain(left, c => c.ID == stale);
            Assert.Contains(left, c => c.ID == otherHost);
        }
        finally
        {
            await engine.Client.Containers.RemoveContainerAsync(otherHost, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
    }

    private async Task<string> CreateLabelledAsync(string name, int owner, string host, CancellationToken ct)
    {
        var created = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = engine.BusyboxImage,
            Cmd = ["sleep", "60"],
            Labels = new Dictionary<string, string>
            {
                [ContainerLabels.Owner] = owner.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [ContainerLabels.Host] = host,
            },
        }, ct);
        await engine.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct);
        return created.ID;
    }
}
