using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Headroom.Cgroups;
using Headroom.Experiments;
using Headroom.Processes;
using Headroom.Tests.Runners;
using Headroom.Tests.Support;

namespace Headroom.Tests.Hardening;

/// <summary>
/// Real studies of a small C server under real cgroups, broken the ways a machine breaks them: the CLI SIGKILLed at
/// seeded points (at start, while a trial's target runs, between trials, during an append), a second run on the same
/// folder, a disk that fills mid-study. Each is resumed until it ends; every planned trial is then recorded once.
/// </summary>
[Collection(RealCgroupsCollection.Name)]
public sealed partial class FaultInjectionTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("headroom-faults-").FullName;
    private readonly List<int> _cliPids = [];

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Where a run is SIGKILLed.</summary>
    public enum KillPoint
    {
        /// <summary>At a random moment of its first 1.5 s: runtime start, folder open, lock, sweep, replay.</summary>
        Start,

        /// <summary>While a trial's target runs (started, or under load).</summary>
        Load,

        /// <summary>Right after a record reached the results file.</summary>
        BetweenTrials,

        /// <summary>
        /// Right after a record reached the file, which is then cut at a random byte: what a kill (or power loss)
        /// in the middle of the write leaves. One record is one write(2) of a regular file, which SIGKILL itself does
        /// not split, so the torn tail is made by the test.
        /// </summary>
        Append,
    }

    private static ProcessSpec Cli(params string[] args) =>
        new("dotnet", [Path.Combine(AppContext.BaseDirectory, "Headroom.Cli.dll"), .. args]) { Timeout = TimeSpan.FromMinutes(3) };

    /// <summary>
    /// About 8 trials (baseline, edge, a 2-round matrix of one cell, floor) of 0.4 s of load each: http-mem keeps 64 KiB
    /// per request, so 160 requests need about 11 MiB and the edge is found between 4Mi and 32Mi.
    /// </summary>
    private async Task<(string[] Args, int Port)> StudyAsync(string folder)
    {
        var server = await TestPrograms.HttpMemAsync();
        var port = FreePort.Next();
        var spec = Path.Combine(_root, "headroom.yaml");
        await File.WriteAllTextAsync(spec,
            $"name: faults\ntarget:\n  command: {server}\n  args: [\"{port}\", leak, \"65536\"]\n  ready: http://127.0.0.1:{port}/\n" +
            $"load: \"-c 1 -q 400 -n 160 http://127.0.0.1:{port}/\"\n", TestContext.Current.CancellationToken);
        return (["study", "-f", spec, "--out", folder, "--plain", "--warm", "--baseline-runs", "1", "--confirm", "1", "--resolution", "2Mi",
            "--min", "4Mi", "--max", "32Mi", "--limits", "16Mi", "--knobs", "none", "--repeats", "2", "--floor-knobs", "none"], port);
    }

    private RunningProcess Start(string[] args)
    {
        var cli = ProcessRunner.Start(Cli(args));
        _cliPids.Add(cli.Id);
        return cli;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SigkillAtSeededPoints_ResumedEachTime_EveryPlannedTrialOnceAndAReport(int seed)
    {
        var cgroups = CgroupRequirement.Writable();
        var ct = TestContext.Current.CancellationToken;
        var folder = Path.Combine(_root, "study");
        var (study, port) = await StudyAsync(folder);
        var resume = new[] { "study", "--resume", folder, "--plain" };
        var random = new Random(seed);
        // Every point once per seed, in a seeded order; a run killed at start may not have written its plan yet,
        // so the first run is never killed there.
        var points = Enum.GetValues<KillPoint>();
        random.Shuffle(points);
        if (points[0] == KillPoint.Start)
        {
            (points[0], points[1]) = (points[1], points[0]);
        }
        var kills = 0;
        var refusedSecondRun = false;
        foreach (var point in points)
        {
            var args = File.Exists(Path.Combine(folder, StudyFolder.PlanFile)) ? resume : study;
            await using var cli = Start(args);
            var recordsAtStart = CompleteRecords(folder);
            if (!refusedSecondRun && point == KillPoint.Load && await PlannedAndTargetRunsAsync(cli, folder, cgroups, ct))
            {
                // A second run on the folder while this one measures: refused at once, naming this one's pid.
                var second = await ProcessRunner.RunAsync(Cli(resume), ct);
                Assert.Equal(2, second.ExitCode);
                Assert.Equal($"headroom: another headroom run (pid {cli.Id}) is using the study folder {folder}; wait for it to finish or stop it first\n", second.StandardError);
                refusedSecondRun = true;
            }
            if (!await ReachAsync(cli, point, recordsAtStart, cgroups, random, ct))
            {
                var finished = await cli.WaitForExitAsync(ct);
                output.WriteLine($"seed {seed}: the run ended (exit {finished.ExitCode}) before {point}");
                Assert.Equal(0, finished.ExitCode);
                break;
            }
            Assert.Equal(0, Native.LibC.Kill(cli.Id, Native.LibC.SigKill));
            var killed = await cli.WaitForExitAsync(ct);
            Assert.Equal(137, killed.ExitCode);
            kills++;
            if (point == KillPoint.Append)
            {
                TearLastRecord(folder, random);
            }
            output.WriteLine($"seed {seed}: SIGKILL at {point}, {CompleteRecords(folder)} records");
        }

        await using var last = Start(resume);
        var result = await last.WaitForExitAsync(ct);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var planned = TrialsLine().Match(result.StandardOutput);
        Assert.True(planned.Success, result.StandardOutput);
        var records = StudyFolder.Open(folder).Records;
        Assert.Equal(int.Parse(planned.Groups["total"].Value, CultureInfo.InvariantCulture), records.Count);
        Assert.Equal(records.Count, records.Select(r => (r.Phase, r.Index)).Distinct().Count());
        Assert.Equal(records.Count, CompleteRecords(folder));
        Assert.True(File.Exists(Path.Combine(folder, "report.md")) && File.Exists(Path.Combine(folder, "report.html")));
        Assert.Contains("survival edge", result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(TrialCgroupsOf(cgroups));
        Assert.False(Listens(port), "a target outlived the runs");
        output.WriteLine($"seed {seed}: {kills} kills, {kills + 1} resumes and starts, {planned.Groups["total"].Value} trials planned, {records.Count} recorded " +
                         $"({planned.Groups["run"].Value} run, {planned.Groups["replayed"].Value} replayed by the last run), second run refused: {refusedSecondRun}");
        Assert.True(kills >= 3, $"only {kills} kills landed before the study ended");
        Assert.True(refusedSecondRun, "no second run was tried while a target ran");
    }

    [Fact]
    public async Task DiskFullMidStudy_OneLineNamingTheFolderExit1_RecordsKept_ResumeFinishesOnceSpaceIsFreed()
    {
        var cgroups = CgroupRequirement.Writable();
        var ct = TestContext.Current.CancellationToken;
        var disk = Directory.CreateDirectory(Path.Combine(_root, "disk")).FullName;
        var mount = await ProcessRunner.RunAsync(new ProcessSpec("mount", ["-t", "tmpfs", "-o", "size=4m,mode=0700", "headroom-test", disk]), ct);
        if (mount.ExitCode != 0)
        {
            Unavailable.SkipOrFail($"needs to mount a tmpfs (root): {mount.StandardError.Trim()}");
        }
        try
        {
            var folder = Path.Combine(disk, "study");
            var (study, port) = await StudyAsync(folder);
            await using var cli = Start(study);
            Assert.True(await RecordsAsync(cli, folder, 2, ct), "the study ended before its second record");
            var kept = CompleteRecords(folder);
            var ballast = Path.Combine(disk, "ballast");
            Fill(ballast);

            var full = await cli.WaitForExitAsync(ct);

            Assert.Equal(1, full.ExitCode);
            var line = Assert.Single(full.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("headroom: cannot ", line, StringComparison.Ordinal);
            Assert.Contains(folder, line, StringComparison.Ordinal);
            Assert.EndsWith(": no space left on device", line, StringComparison.Ordinal);
            Assert.InRange(CompleteRecords(folder), kept, int.MaxValue);
            Assert.Equal(CompleteRecords(folder), StudyFolder.Open(folder).Records.Count);

            File.Delete(ballast);
            await using var resumed = Start(["study", "--resume", folder, "--plain"]);
            var result = await resumed.WaitForExitAsync(ct);

            Assert.True(result.ExitCode == 0, result.StandardError);
            var planned = TrialsLine().Match(result.StandardOutput);
            var records = StudyFolder.Open(folder).Records;
            Assert.Equal(int.Parse(planned.Groups["total"].Value, CultureInfo.InvariantCulture), records.Count);
            Assert.Equal(records.Count, records.Select(r => (r.Phase, r.Index)).Distinct().Count());
            Assert.True(File.Exists(Path.Combine(folder, "report.html")));
            Assert.Empty(TrialCgroupsOf(cgroups));
            Assert.False(Listens(port), "a target outlived the runs");
            output.WriteLine($"disk full after {kept} records; {records.Count} trials recorded once after the resume ({planned.Value})");
        }
        finally
        {
            _ = await ProcessRunner.RunAsync(new ProcessSpec("umount", [disk]), CancellationToken.None);
        }
    }

    [GeneratedRegex(@"(?<total>\d+) trials \((?<run>\d+) run, (?<replayed>\d+) replayed\)")]
    private static partial Regex TrialsLine();

    /// <summary>The records in the results file that end with a newline.</summary>
    private static int CompleteRecords(string folder)
    {
        var path = Path.Combine(folder, StudyFolder.ResultsFile);
        return File.Exists(path) ? File.ReadAllBytes(path).Count(b => b == (byte)'\n') : 0;
    }

    /// <summary>Cuts the last record at a random byte, as a write torn by the kill leaves it.</summary>
    private static void TearLastRecord(string folder, Random random)
    {
        var path = Path.Combine(folder, StudyFolder.ResultsFile);
        var bytes = File.ReadAllBytes(path);
        var start = Array.LastIndexOf(bytes, (byte)'\n', bytes.Length - 2) + 1;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(start + random.Next(1, bytes.Length - start - 1));
    }

    /// <summary>Writes until the disk is full.</summary>
    private static void Fill(string path)
    {
        var block = new byte[64 * 1024];
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            while (true)
            {
                file.Write(block);
            }
        }
        catch (IOException)
        {
            // Full; what fitted stays.
        }
    }

    /// <summary>Waits until the run reaches <paramref name="point"/>; false when it ended first.</summary>
    private static async Task<bool> ReachAsync(RunningProcess cli, KillPoint point, int recordsAtStart, TrialCgroups cgroups, Random random, CancellationToken ct)
    {
        switch (point)
        {
            case KillPoint.Start:
                await Task.Delay(random.Next(100, 1500), ct);
                return !cli.HasExited;
            case KillPoint.Load:
                if (!await TargetRunsAsync(cli, cgroups, ct))
                {
                    return false;
                }
                await Task.Delay(random.Next(50, 400), ct);
                return !cli.HasExited;
            default:
                return await RecordsAsync(cli, FolderOf(cli), recordsAtStart + 1, ct);
        }
    }

    private static string FolderOf(RunningProcess cli)
    {
        var args = cli.Spec.Arguments;
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] is "--out" or "--resume")
            {
                return args[i + 1];
            }
        }
        throw new InvalidOperationException("no study folder in the arguments");
    }

    /// <summary>Waits until the results file holds <paramref name="count"/> complete records; false when the run ended first.</summary>
    private static async Task<bool> RecordsAsync(RunningProcess cli, string folder, int count, CancellationToken ct)
    {
        while (!cli.HasExited)
        {
            if (CompleteRecords(folder) >= count)
            {
                return true;
            }
            await Task.Delay(5, ct);
        }
        return false;
    }

    /// <summary>Waits until a trial cgroup of this run holds a process; false when the run ended first.</summary>
    private static async Task<bool> TargetRunsAsync(RunningProcess cli, TrialCgroups cgroups, CancellationToken ct)
    {
        while (!cli.HasExited)
        {
            foreach (var cgroup in Directory.EnumerateDirectories(cgroups.Parent.Directory, $"{TrialCgroups.Prefix}{cli.Id}-*"))
            {
                try
                {
                    if (CgroupFiles.ReadPids(cgroup).Count > 0)
                    {
                        return true;
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Removed while read: the next trial's comes.
                }
            }
            await Task.Delay(10, ct);
        }
        return false;
    }

    /// <summary>
    /// Waits until the run has written its plan (before it, a resume is refused for want of one) and a trial's target
    /// runs; false when the run ended first.
    /// </summary>
    private static async Task<bool> PlannedAndTargetRunsAsync(RunningProcess cli, string folder, TrialCgroups cgroups, CancellationToken ct)
    {
        while (!cli.HasExited && !File.Exists(Path.Combine(folder, StudyFolder.PlanFile)))
        {
            await Task.Delay(10, ct);
        }
        return await TargetRunsAsync(cli, cgroups, ct);
    }

    /// <summary>Trial cgroups of any run this test started (there must be none once the last one ended).</summary>
    private string[] TrialCgroupsOf(TrialCgroups cgroups) =>
        [.. _cliPids.SelectMany(pid => Directory.EnumerateDirectories(cgroups.Parent.Directory, $"{TrialCgroups.Prefix}{pid}-*"))];

    /// <summary>True when something still listens on the port (a target that outlived its run).</summary>
    private static bool Listens(int port)
    {
        try
        {
            using var client = new TcpClient("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
