using System.Text.Json;
using Headroom.Cli;

namespace Headroom.Tests.Experiments;

/// <summary>
/// Studies of a real Python server under real cgroups whose load fails in known ways: a wrong port or an all-404
/// load stops the study after the baseline (exit 2, one line, nothing recorded); a server that sheds load with 503
/// under a low limit gets the outcome <c>errors</c> there and an edge above it.
/// </summary>
[Collection(RealCgroupsCollection.Name)]
public sealed class LoadValidityStudyTests() : TempFolderTest("headroom-validity-")
{
    private string Spec(int port, string load, params string[] serverOptions)
    {
        var args = string.Join(", ", new[] { TestPrograms.TestServer(), port.ToString(CultureInfo.InvariantCulture) }.Concat(serverOptions).Select(a => $"\"{a}\""));
        var path = Path.Combine(TempRoot, "headroom.yaml");
        File.WriteAllText(path, $"name: validity\ntarget:\n  command: python3\n  args: [{args}]\n  ready: http://127.0.0.1:{port}/ready\nload: \"{load}\"\n");
        return path;
    }

    // The run's lock files and the cold set (the files evicted before each trial, found before the baseline) are part
    // of the plan a resume reuses, not results.
    private static string[] FilesIn(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName)
            .Where(name => name is not (Headroom.Experiments.StudyFolderLock.LockFile or Headroom.Experiments.StudyFolderLock.OwnerFile
                or Headroom.Runners.Local.ColdSet.FileName))
            .Order(StringComparer.Ordinal)!];

    [Fact]
    public async Task Study_LoadOnAWrongPort_Exit2NamingTheRefusal_OnlyThePlanWritten()
    {
        var cgroups = CgroupRequirement.Writable();
        var port = FreePort.Next();
        var wrong = FreePort.Next();
        var folder = Path.Combine(TempRoot, "study");

        var (exit, stdout, stderr) = await CliRun.RunAsync("study", "-f", Spec(port, $"-c 2 -n 100 http://127.0.0.1:{wrong}/"), "--out", folder);

        Assert.Equal(HeadroomApp.UsageError, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith($"every request to http://127.0.0.1:{wrong}/ was refused: nothing listens there; check the load URL", lines[^1]);
        Assert.StartsWith("headroom: the unlimited baseline succeeded on 0 % of its requests", lines[^1]);
        Assert.Equal(["plan.json"], FilesIn(folder));
        Assert.DoesNotContain("Edge search", stdout);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
    }

    [Fact]
    public async Task Study_EveryAnswerA404_Exit2NamingTheStatus_OnlyThePlanWritten()
    {
        CgroupRequirement.Writable();
        var port = FreePort.Next();
        var folder = Path.Combine(TempRoot, "study");

        var (exit, _, stderr) = await CliRun.RunAsync("edge", "-f", Spec(port, $"-c 2 -n 100 http://127.0.0.1:{port}/", "--status", "404"), "--out", folder, "--baseline-runs", "1");

        Assert.Equal(HeadroomApp.UsageError, exit);
        Assert.EndsWith($"every request to http://127.0.0.1:{port}/ was answered 404; check the load URL, or give --expect 404 if that is the answer the service should give\n", stderr);
        Assert.Equal(["plan.json"], FilesIn(folder));
    }

    [Fact]
    public async Task Edge_ServerThatSheds503UnderALowLimit_ErrorsThere_AndTheEdgeIsAboveIt()
    {
        var cgroups = CgroupRequirement.Writable();
        var port = FreePort.Next();
        var folder = Path.Combine(TempRoot, "study");
        // 24 MiB of ballast on top of Python's own: it answers 503 while its anon memory is above 70 % of its limit.
        var spec = Spec(port, $"-c 2 -n 200 http://127.0.0.1:{port}/", "--ballast", "24", "--shed-above", "0.7");

        var (exit, stdout, stderr) = await CliRun.RunAsync("edge", "-f", spec, "--out", folder, "--baseline-runs", "1", "--resolution", "2Mi", "--confirm", "1");

        Assert.Equal((0, ""), (exit, stderr));
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
        var records = StudyFolder.Open(folder).Records;
        var errors = records.Where(r => r.Outcome == "errors").ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, r => Assert.Contains("503 on ", r.Evidence));
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "summary.json"), TestContext.Current.CancellationToken));
        var survival = Headroom.Limits.MemoryQuantity.Parse(summary.RootElement.GetProperty("edge").GetProperty("survivalEdge").GetString()!);
        Assert.All(errors, r => Assert.True(r.Limit!.Value < survival, $"errors at {r.Limit} but the survival edge is {survival}"));
        // At the edge it did not shed: its anon memory stayed below 70 % of the limit (with a resolution step's slack).
        var anon = records.First(r => r.Limit is null).Memory.PeakAnonBytes!.Value;
        Assert.True(survival.Bytes + (2 << 20) >= anon / 0.7, $"survival edge {survival} is below the anon peak {anon} / 0.7");
        Assert.Contains("errors", stdout);
    }
}
