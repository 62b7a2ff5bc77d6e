using System.Diagnostics;
using Headroom.Cgroups;

namespace Headroom.Tests.Cli;

/// <summary>The CLI killed with SIGKILL mid-trial leaves its cgroup and target behind; the next start removes both.</summary>
[Collection(RealCgroupsCollection.Name)]
public class KilledRunnerTests
{
    private static ProcessSpec Cli(params string[] args) =>
        new("dotnet", [Path.Combine(AppContext.BaseDirectory, "Headroom.Cli.dll"), .. args]) { Timeout = TimeSpan.FromMinutes(2) };

    [Fact]
    public async Task SigkillOfTheCliMidTrial_NextStartRemovesTheStaleCgroupAndTheTarget()
    {
        var cgroups = CgroupRequirement.Writable();
        var alloc = await TestPrograms.AllocAsync();
        var ct = TestContext.Current.CancellationToken;
        await using var cli = ProcessRunner.Start(Cli("run", "--limit", "64Mi", "--hold", "120", "--", alloc, "8", "600"));
        var stale = Path.Combine(cgroups.Parent.Directory, $"{TrialCgroups.Prefix}{cli.Id}-1");
        var targetPid = await WaitForTargetAsync(stale, ct);

        Process.GetProcessById(cli.Id).Kill(entireProcessTree: false);
        await cli.WaitForExitAsync(ct);
        Assert.True(Directory.Exists(stale), "the killed CLI could not clean up; its cgroup is still there");
        Assert.True(IsRunning(targetPid), "its target outlived it");

        var next = await ProcessRunner.RunAsync(Cli("run", "--limit", "16Mi", "--hold", "0.2", "--", alloc, "1", "5"), ct);
        Assert.Equal(0, next.ExitCode);
        Assert.Contains($"removed the stale cgroup {Path.GetFileName(stale)}", next.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(stale));
        Assert.False(IsRunning(targetPid), "the target of the killed run survived the sweep");
    }

    [Fact]
    public async Task SigtermOfTheCliMidTrial_StopsTheTargetAndRemovesItsCgroup()
    {
        var cgroups = CgroupRequirement.Writable();
        var alloc = await TestPrograms.AllocAsync();
        var ct = TestContext.Current.CancellationToken;
        await using var cli = ProcessRunner.Start(Cli("run", "--limit", "64Mi", "--hold", "120", "--", alloc, "8", "600") with { GracePeriod = TimeSpan.FromSeconds(30) });
        var cgroup = Path.Combine(cgroups.Parent.Directory, $"{TrialCgroups.Prefix}{cli.Id}-1");
        var targetPid = await WaitForTargetAsync(cgroup, ct);

        var result = await cli.StopAsync(ct);
        Assert.False(result.Killed, "the CLI did not finish its cleanup within 30 s of SIGTERM");
        Assert.Equal(130, result.ExitCode);
        Assert.Contains("interrupted", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(cgroup));
        Assert.False(IsRunning(targetPid));
    }

    /// <summary>Alive and not a zombie: orphans are re-parented to a pid 1 that may never reap them.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            return !File.ReadAllLines($"/proc/{pid}/status").Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z', StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task<int> WaitForTargetAsync(string cgroup, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(Path.Combine(cgroup, "cgroup.procs")))
            {
                var pids = (await File.ReadAllTextAsync(Path.Combine(cgroup, "cgroup.procs"), ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                if (pids.Length > 0)
                {
                    return int.Parse(pids[0], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            await Task.Delay(100, ct);
        }
        Assert.Fail($"no target appeared in {cgroup} within 60 s");
        return 0;
    }
}
