using System.Net;
using System.Net.Sockets;
using Headroom.Cgroups;
using Headroom.Cli;

namespace Headroom.Tests.Cli;

/// <summary><c>headroom run</c> from the command line: bad input ends in one line and exit 2 with nothing left behind.</summary>
[Collection(RealCgroupsCollection.Name)]
public class RunCommandTests
{
    private static async Task<(int Exit, string Stdout, string[] Stderr)> RunAsync(params string[] args)
    {
        var (exit, stdout, stderr) = await CliRun.RunAsync(args);
        return (exit, stdout, stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string UsageError((int Exit, string Stdout, string[] Stderr) run)
    {
        Assert.Equal(HeadroomApp.UsageError, run.Exit);
        var last = run.Stderr[^1];
        Assert.StartsWith("headroom: ", last, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Stderr, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        return last;
    }

    [Theory]
    [InlineData("17Qi", "--limit '17Qi' is not valid: not a Kubernetes quantity")]
    [InlineData("0", "--limit '0' is not valid: it must be greater than zero")]
    [InlineData("100Ki", "limit 100Ki is below the floor of 1Mi")]
    public async Task BadLimit_OneLineAndExit2(string limit, string expected)
    {
        CgroupRequirement.Writable();
        var cgroups = TrialCgroups.TryOpenOwn(out _)!;
        var error = UsageError(await RunAsync("run", "--limit", limit, "--", "/bin/true"));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
    }

    [Fact]
    public async Task CommandThatDoesNotExist_OneLineAndExit2()
    {
        var cgroups = CgroupRequirement.Writable();
        var error = UsageError(await RunAsync("run", "--limit", "64Mi", "--", "no-such-command-headroom"));
        Assert.Equal("headroom: command 'no-such-command-headroom' not found (not a file and not on PATH); check the command after '--'", error);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
    }

    [Fact]
    public async Task PortAlreadyInUse_OneLineAndExit2_TargetNeverStarted()
    {
        var cgroups = CgroupRequirement.Writable();
        var alloc = await TestPrograms.AllocAsync();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var error = UsageError(await RunAsync("run", "--limit", "64Mi", "--ready", $"http://127.0.0.1:{port}/ready", "--", alloc, "1", "30"));
        Assert.Contains($"port {port} of http://127.0.0.1:{port}/ready is already in use", error, StringComparison.Ordinal);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
        Assert.Empty(ProcessesOf(alloc));
    }

    [Fact]
    public async Task ReadinessUrlThatNeverAnswers_OneLineAndExit2_NothingLeftBehind()
    {
        var cgroups = CgroupRequirement.Writable();
        var alloc = await TestPrograms.AllocAsync();
        var port = PortCheck.FreePort();
        var error = UsageError(await RunAsync("run", "--limit", "64Mi", "--ready", $"http://127.0.0.1:{port}/ready", "--ready-timeout", "1.5", "--", alloc, "1", "30"));
        Assert.Contains($"http://127.0.0.1:{port}/ready never answered within 1.5 s", error, StringComparison.Ordinal);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
        Assert.Empty(ProcessesOf(alloc));
    }

    [Fact]
    public async Task Survived_PrintsMemoryAndDescribeBlock_SavesTheTrial()
    {
        CgroupRequirement.Writable();
        var alloc = await TestPrograms.AllocAsync();
        var folder = Path.Combine(Path.GetTempPath(), $"headroom-run-{Guid.NewGuid():N}");
        try
        {
            var (exit, stdout, _) = await RunAsync("run", "--limit", "96Mi", "--hold", "1", "--out", folder, "--", alloc, "48", "30");
            Assert.Equal(0, exit);
            Assert.Contains("Restart Count:  0", stdout, StringComparison.Ordinal);
            Assert.Contains("  memory:       96Mi", stdout, StringComparison.Ordinal);
            Assert.Contains("Outcome:  survived", stdout, StringComparison.Ordinal);
            Assert.Contains("kernel anon", stdout, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(folder, "trial.json")));
            Assert.True(new FileInfo(Path.Combine(folder, "samples.jsonl")).Length > 0);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Live processes running the given executable.</summary>
    internal static int[] ProcessesOf(string executable) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(d => (Dir: d, Ok: int.TryParse(Path.GetFileName(d), out var pid), Pid: pid))
            .Where(p => p.Ok && Exe(p.Dir) == executable)
            .Select(p => p.Pid)];

    private static string? Exe(string procDir)
    {
        try
        {
            return new FileInfo(Path.Combine(procDir, "exe")).ResolveLinkTarget(false)?.FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
