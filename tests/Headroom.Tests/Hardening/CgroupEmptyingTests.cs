using Headroom.Cgroups;

namespace Headroom.Tests.Hardening;

/// <summary>A target is stopped by emptying its cgroup, so one that daemonizes cannot escape; a SIGKILLed run's leftovers are swept.</summary>
[Collection(RealCgroupsCollection.Name)]
public class CgroupEmptyingTests
{
    private static ProcessSpec Cli(params string[] args) =>
        new("dotnet", [Path.Combine(AppContext.BaseDirectory, "Headroom.Cli.dll"), .. args]) { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>The pids whose command line is exactly <paramref name="argv"/> (not zombies).</summary>
    private static List<int> Find(params string[] argv)
    {
        var wanted = string.Join('\0', argv) + "\0";
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")) == wanted &&
                    !File.ReadAllLines(Path.Combine(dir, "status")).Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z', StringComparison.Ordinal)))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    [Fact]
    public async Task TargetThatDoubleForksIntoANewSession_IsStoppedWithItsCgroup()
    {
        CgroupRequirement.Writable();
        var marker = (3000 + Environment.ProcessId % 1000).ToString(CultureInfo.InvariantCulture) + ".25";
        // The daemon: forked twice (the subshell exits at once), in a session of its own, its parent gone.
        var script = $"setsid sh -c 'sleep {marker} &' ; sleep 1 ; exec sleep 600";
        var state = Directory.CreateTempSubdirectory("headroom-state-").FullName;
        try
        {
            var cli = Cli("run", "--limit", "64Mi", "--hold", "0.5", "--", "sh", "-c", script) with
            {
                Environment = new Dictionary<string, string?> { ["XDG_STATE_HOME"] = state },
            };
            var result = await ProcessRunner.RunAsync(cli, TestContext.Current.CancellationToken);

            Assert.True(result.ExitCode is 0 or 1, result.StandardError);
            Assert.Empty(Find("sleep", marker));
            // A run that ended on its own leaves no registry entry behind (only a killed run's is kept for a sweep).
            var runs = Path.Combine(state, "headroom", "runs");
            Assert.True(Directory.Exists(runs), "the run registered its trial cgroups");
            Assert.Empty(Directory.EnumerateFileSystemEntries(runs));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
            foreach (var pid in Find("sleep", marker))
            {
                _ = Native.LibC.Kill(pid, Native.LibC.SigKill);
            }
        }
    }

    [Fact]
    public async Task StaleSweep_RemovesTheDeadRunsDataFolderAndItsTargetsDiagnosticSockets()
    {
        var parent = Directory.CreateTempSubdirectory("headroom-sweep-parent-").FullName;
        var deadOwner = 4_000_000 - Environment.ProcessId % 1000; // above pid_max's default: never alive
        var temp = Path.GetTempPath();
        var data = Directory.CreateTempSubdirectory(TrialCgroups.DataFolderPrefix(deadOwner) + "sales-api-").FullName;
        File.WriteAllText(Path.Combine(data, "key.pem"), "private");
        var targetPid = deadOwner + 1;
        var socket = Path.Combine(temp, $"dotnet-diagnostic-{targetPid}-12345-socket");
        File.WriteAllText(socket, "");
        var otherSocket = Path.Combine(temp, $"dotnet-diagnostic-{targetPid + 1}-12345-socket");
        File.WriteAllText(otherSocket, "");
        try
        {
            var stale = Directory.CreateDirectory(Path.Combine(parent, $"{TrialCgroups.Prefix}{deadOwner}-1")).FullName;

            var removed = await TrialCgroups.SweepStaleAsync(parent, d => new FakeCgroup(d, [targetPid]), TestContext.Current.CancellationToken);

            Assert.Equal([Path.GetFileName(stale)], removed);
            Assert.False(Directory.Exists(data), "the dead run's data folder (with its key) is still there");
            Assert.False(File.Exists(socket), "the swept target's diagnostic socket is still there");
            Assert.True(File.Exists(otherSocket), "a socket of another process was removed");
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
            File.Delete(socket);
            File.Delete(otherSocket);
        }
    }

    /// <summary>A plain folder standing in for a cgroup: its processes are given, and gone once read (as if killed).</summary>
    private sealed class FakeCgroup(string directory, int[] pids) : CgroupDirectory(directory)
    {
        private int _reads;

        public override IReadOnlyList<int> ReadPids() => _reads++ == 0 ? pids : [];
    }
}
