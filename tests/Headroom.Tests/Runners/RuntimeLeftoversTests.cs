namespace Headroom.Tests.Runners;

/// <summary>A .NET target killed by the kernel leaves no diagnostic socket or debugger pipe in the temp folder.</summary>
[Collection(RealCgroupsCollection.Name)]
public sealed class RuntimeLeftoversTests() : TempFolderTest("headroom-leftovers-")
{
    [Fact]
    public async Task OomKilledDotnetTarget_LeavesNoDiagnosticSocketOfItsPid()
    {
        var cgroups = CgroupRequirement.Writable();
        // exec keeps the shell's pid, so the pid written is the runtime's, which names its socket.
        var pidFile = Path.Combine(TempRoot, "pid");
        // The GC is told it may use 1 GiB, so the kernel's limit is what stops it (not an OutOfMemoryException).
        var launch = new TargetLaunch(["/bin/sh", "-c", "echo $$ > \"$0\" && exec dotnet \"$1\" 256 10", pidFile, TestPrograms.DotnetAlloc()])
        {
            Environment = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "40000000" },
        };
        var executor = new LocalTrialExecutor(new CommandTarget(launch), load: null,
            new LocalRunnerOptions { Hold = TimeSpan.FromSeconds(20), StopGrace = TimeSpan.FromSeconds(1) });

        var result = await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi"), KnobSet.None), null, TestContext.Current.CancellationToken);

        Assert.Equal(TrialOutcome.OomKilled, result.Outcome);
        var pid = int.Parse(await File.ReadAllTextAsync(pidFile, TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Empty(Directory.EnumerateFiles(Path.GetTempPath(), $"dotnet-diagnostic-{pid}-*"));
        Assert.Empty(Directory.EnumerateFiles(Path.GetTempPath(), $"clr-debug-pipe-{pid}-*"));
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
    }

    [Fact]
    public void RemoveFor_RemovesOnlyThatPidsFiles()
    {
        foreach (var name in new[] { "dotnet-diagnostic-4242-123-socket", "clr-debug-pipe-4242-123-in", "dotnet-diagnostic-42420-1-socket", "other" })
        {
            File.WriteAllText(Path.Combine(TempRoot, name), "");
        }

        var removed = Headroom.Processes.RuntimeLeftovers.RemoveFor(4242, TempRoot);

        Assert.Equal(2, removed);
        Assert.Equal(["dotnet-diagnostic-42420-1-socket", "other"], Directory.EnumerateFiles(TempRoot).Select(Path.GetFileName).Order());
    }
}
