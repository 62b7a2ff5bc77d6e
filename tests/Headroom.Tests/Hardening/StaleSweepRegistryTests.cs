using System.Globalization;
using Headroom.Cgroups;
using Headroom.Processes;
using Headroom.Tests.Runners;

namespace Headroom.Tests.Hardening;

/// <summary>
/// A run SIGKILLed in another cgroup (another shell, another scope) is swept through the registry in the private
/// state folder: its own trial cgroups there, their processes killed, and nothing else: not another tool's cgroup, not a
/// headroom-named cgroup of an unregistered run, not a live run's, not one of a run in another pid namespace, not
/// a folder outside the cgroup file system.
/// </summary>
[Collection(RealCgroupsCollection.Name)]
public sealed class StaleSweepRegistryTests : IDisposable
{
    private readonly string _registry = Directory.CreateTempSubdirectory("headroom-registry-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("headroom-outside-").FullName;
    private readonly List<RunningProcess> _sleepers = [];

    public void Dispose()
    {
        Directory.Delete(_registry, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    private static readonly int s_dead = 4_000_000 - Environment.ProcessId % 1000; // above pid_max's default: never alive

    private static string Pid(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    private void Entry(int pid, long started, string ns, string parent) =>
        File.WriteAllLines(Path.Combine(_registry, TrialCgroupRegistry.EntryName(pid, started)), [ns, $"memory V1 {parent}"]);

    /// <summary>A cgroup with a real process in it.</summary>
    private async Task<(string Directory, int Pid)> OccupiedAsync(string parent, string name)
    {
        var directory = Directory.CreateDirectory(Path.Combine(parent, name)).FullName;
        var sleeper = ProcessRunner.Start(new ProcessSpec("sleep", ["600"]));
        _sleepers.Add(sleeper);
        CgroupFiles.Write(directory, "cgroup.procs", Pid(sleeper.Id));
        await Task.Yield();
        return (directory, sleeper.Id);
    }

    [Fact]
    public async Task GoneRunInAnotherCgroup_ItsTrialCgroupsAreSwept_NothingElseIsTouched()
    {
        var cgroups = CgroupRequirement.Writable();
        if (cgroups.Parent.Version != CgroupVersion.V1)
        {
            Assert.Skip("written for cgroup v1 (this machine's); v2 is covered by the own-parent sweep tests");
        }
        var ct = TestContext.Current.CancellationToken;
        // Stands for the cgroup of another shell where a run was killed: made by this test under its own cgroup.
        var elsewhere = Directory.CreateDirectory(Path.Combine(cgroups.Parent.Directory, $"sweep-elsewhere-{Environment.ProcessId}")).FullName;
        try
        {
            var stale = await OccupiedAsync(elsewhere, $"{TrialCgroups.Prefix}{s_dead}-1");
            var otherTool = await OccupiedAsync(elsewhere, "other-tool-1");
            var unregistered = await OccupiedAsync(elsewhere, $"{TrialCgroups.Prefix}{s_dead + 1}-1");
            var otherNamespace = await OccupiedAsync(elsewhere, $"{TrialCgroups.Prefix}{s_dead + 2}-1");
            var live = Directory.CreateDirectory(Path.Combine(elsewhere, $"{TrialCgroups.Prefix}{Environment.ProcessId}-77")).FullName;
            var notACgroup = Directory.CreateDirectory(Path.Combine(_outside, $"{TrialCgroups.Prefix}{s_dead + 3}-1")).FullName;
            var ns = TrialCgroupRegistry.PidNamespace();
            Entry(s_dead, 12345, ns, elsewhere);
            Entry(s_dead + 2, 12345, "pid:[1]", elsewhere);
            Entry(s_dead + 3, 12345, ns, _outside);
            Entry(Environment.ProcessId, TrialCgroupRegistry.StartTime(Environment.ProcessId)!.Value, ns, elsewhere);
            var registry = new TrialCgroupRegistry(_registry, cgroups.Parent.Directory + "/");

            var removed = await registry.SweepGoneAsync(ct);

            Assert.Equal([$"{TrialCgroups.Prefix}{s_dead}-1"], removed);
            Assert.False(Directory.Exists(stale.Directory));
            Assert.False(IsRunning(stale.Pid), "the gone run's target survived");
            foreach (var kept in new[] { otherTool, unregistered, otherNamespace })
            {
                Assert.True(Directory.Exists(kept.Directory), kept.Directory);
                Assert.Equal([kept.Pid], CgroupFiles.ReadPids(kept.Directory));
            }
            Assert.True(Directory.Exists(live) && Directory.Exists(notACgroup));
            // The swept run's entry and the one naming a folder outside the cgroup file system are dropped.
            Assert.Equal(
                new[] { s_dead + 2, Environment.ProcessId }.Select(p => Pid(p)).Order(StringComparer.Ordinal),
                Directory.EnumerateFiles(_registry).Select(f => Path.GetFileName(f).Split('-')[0]).Order(StringComparer.Ordinal));
        }
        finally
        {
            foreach (var sleeper in _sleepers)
            {
                _ = Native.LibC.Kill(sleeper.Id, Native.LibC.SigKill);
                await sleeper.WaitForExitAsync(CancellationToken.None);
                await sleeper.DisposeAsync();
            }
            foreach (var child in Directory.EnumerateDirectories(elsewhere))
            {
                Directory.Delete(child);
            }
            Directory.Delete(elsewhere);
        }
    }

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
}
