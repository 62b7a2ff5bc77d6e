using System.Diagnostics;
using System.Text.RegularExpressions;
using Headroom.Cgroups;

namespace Headroom.Tests.Runners;

/// <summary>
/// <c>--cpus</c> on the local runner: the target runs under a real CFS quota in a cpu cgroup of its own, made and
/// removed with the trial. A busy loop shows what the quota does: about a quarter of one core under 0.25.
/// </summary>
[Collection(RealCgroupsCollection.Name)]
public class CpuQuotaTrialTests
{
    // The shell measures itself when it is stopped: CPU time from `times`, wall time from EPOCHREALTIME, its cgroups
    // from /proc; into the file named by $0, as the trial's output tail is taken before the stop.
    private const string BusyLoop =
        "s=$EPOCHREALTIME; " +
        "trap 'e=$EPOCHREALTIME; { echo \"wall $s $e\"; times; cat /proc/$$/cgroup; } > \"$0\"; exit 0' TERM; " +
        "while :; do :; done";

    private static TrialCpuCgroups WritableCpu(TrialCgroups memory) =>
        TrialCpuCgroups.TryOpenOwn(memory, out var reason) ?? Unavailable.SkipOrFail<TrialCpuCgroups>($"needs a writable cpu cgroup: {reason}");

    private static string[] CpuLeftBehind(TrialCpuCgroups cpu) =>
        [.. Directory.EnumerateDirectories(cpu.Parent.Directory, $"{TrialCgroups.Prefix}{Environment.ProcessId}-*")];

    [Fact]
    public async Task BusyLoop_UnderAQuarterCpu_GetsAboutAQuarterOfACore()
    {
        var memory = CgroupRequirement.Writable();
        var cpu = WritableCpu(memory);
        var options = new LocalRunnerOptions { Cpus = 0.25, Hold = TimeSpan.FromSeconds(4), StopGrace = TimeSpan.FromSeconds(3), DotnetCounters = false };
        var report = Path.Combine(Directory.CreateTempSubdirectory("headroom-cpu-").FullName, "report.txt");
        var executor = new LocalTrialExecutor(new CommandTarget(new TargetLaunch(["/usr/bin/bash", "-c", BusyLoop, report])), load: null, options);

        var result = await executor.RunAsync(new TrialRequest(null, KnobSet.None), null, TestContext.Current.CancellationToken);

        var output = await File.ReadAllLinesAsync(report, TestContext.Current.CancellationToken);
        Directory.Delete(Path.GetDirectoryName(report)!, recursive: true);
        var wall = output.Single(l => l.StartsWith("wall ", StringComparison.Ordinal)).Split(' ');
        var seconds = double.Parse(wall[2], CultureInfo.InvariantCulture) - double.Parse(wall[1], CultureInfo.InvariantCulture);
        // `times`: the shell's own user and system time on its first line, e.g. "0m0.998s 0m0.004s".
        var own = output.First(l => Regex.IsMatch(l, @"^\d+m[\d.]+s \d+m[\d.]+s$"));
        var cpuSeconds = own.Split(' ').Sum(Seconds);
        var share = cpuSeconds / seconds;
        TestContext.Current.SendDiagnosticMessage($"busy loop under 0.25 CPU: {cpuSeconds:0.000} s of CPU in {seconds:0.000} s = {share:0.00} of a core");

        Assert.InRange(seconds, 3, 30);
        Assert.InRange(share, 0.15, 0.33);
        Assert.Equal(0.25, result.Details.Cpus);
        Assert.Contains("cpu.cfs_quota_us 25000 / cpu.cfs_period_us 100000", result.Details.Runner);
        // It ran in a cpu cgroup of its own, named like the trial's memory cgroup.
        var cpuLine = output.Single(l => l.Split(':').Length == 3 && l.Split(':')[1].Split(',').Contains("cpu"));
        Assert.Matches($@"/{TrialCgroups.Prefix}{Environment.ProcessId}-\d+$", cpuLine);
        Assert.Empty(CgroupRequirement.LeftBehind(memory));
        Assert.Empty(CpuLeftBehind(cpu));
    }

    [Fact]
    public async Task StaleCpuCgroupOfAKilledRun_IsSweptWhenTheExecutorOpens()
    {
        var memory = CgroupRequirement.Writable();
        var cpu = WritableCpu(memory);
        Assert.SkipWhen(cpu.Parent.Version == CgroupVersion.V2, "cgroup v2 has no separate cpu cgroups to sweep");
        using var gone = Process.Start("/bin/true")!;
        await gone.WaitForExitAsync(TestContext.Current.CancellationToken);
        var stale = Path.Combine(cpu.Parent.Directory, $"{TrialCgroups.Prefix}{gone.Id}-1");
        Directory.CreateDirectory(stale);
        try
        {
            var executor = new LocalTrialExecutor(new CommandTarget(new TargetLaunch(["/bin/true"])), null, new LocalRunnerOptions { Cpus = 0.5 });

            await executor.OpenAsync(TestContext.Current.CancellationToken);

            Assert.Contains($"{TrialCgroups.Prefix}{gone.Id}-1 (cpu)", executor.SweptStale);
            Assert.False(Directory.Exists(stale));
        }
        finally
        {
            if (Directory.Exists(stale))
            {
                Directory.Delete(stale);
            }
        }
    }

    private static double Seconds(string text)
    {
        var m = text.IndexOf('m', StringComparison.Ordinal);
        return (double.Parse(text[..m], CultureInfo.InvariantCulture) * 60) + double.Parse(text[(m + 1)..^1], CultureInfo.InvariantCulture);
    }
}
