using System.Text;

namespace Headroom.Tests.Experiments;

/// <summary>A study folder keeps every complete record through torn writes, refuses a second run, and refuses duplicates.</summary>
public sealed class StudyFolderHardeningTests() : TempFolderTest("headroom-folder-")
{
    private static Task<StudyResult> RunAsync(string folder) =>
        new Study(GoTwinScript.Executor(), StudyFolder.Open(folder)).RunAsync(GoTwinScript.Plan(), null, TestContext.Current.CancellationToken);

    private static string Results(string folder) => Path.Combine(folder, StudyFolder.ResultsFile);

    [Fact]
    public async Task LastRecordCutInHalf_ResumedTwice_EveryTrialOnceAndEveryCompleteRecordKept()
    {
        var folder = Path.Combine(TempRoot, "torn");
        await RunAsync(folder);
        var whole = File.ReadAllBytes(Results(folder));
        var total = StudyFolder.Open(folder).Records.Count;
        var lastLineStart = Array.LastIndexOf(whole, (byte)'\n', whole.Length - 2) + 1;
        File.WriteAllBytes(Results(folder), whole[..(lastLineStart + (whole.Length - lastLineStart) / 2)]);

        var first = await RunAsync(folder);
        var second = await RunAsync(folder);

        Assert.Equal((1, total - 1), (first.TrialsRun, first.TrialsReplayed));
        Assert.Equal((0, total), (second.TrialsRun, second.TrialsReplayed));
        var records = StudyFolder.Open(folder).Records;
        Assert.Equal(total, records.Select(r => (r.Phase, r.Index)).Distinct().Count());
        Assert.Equal(total, File.ReadAllLines(Results(folder)).Length);
        Assert.Equal(whole[..lastLineStart], File.ReadAllBytes(Results(folder))[..lastLineStart]);
    }

    [Fact]
    public async Task LastRecordMissingOnlyItsNewline_IsKeptAndEnded()
    {
        var folder = Path.Combine(TempRoot, "no-newline");
        await RunAsync(folder);
        var lines = File.ReadAllLines(Results(folder));
        var kept = lines.Length - 3;
        File.WriteAllText(Results(folder), string.Join('\n', lines[..kept]));

        var resumed = await RunAsync(folder);

        Assert.Equal((3, kept), (resumed.TrialsRun, resumed.TrialsReplayed));
        Assert.Equal(lines.Length, StudyFolder.Open(folder).Records.Count);
    }

    [Fact]
    public async Task SecondRunOnAHeldFolder_IsRefusedNamingTheHoldersPid()
    {
        var folder = Path.Combine(TempRoot, "held");
        var holder = StudyFolder.Open(folder);
        using var held = holder.Lock();

        var error = await Assert.ThrowsAsync<UserInputException>(() => RunAsync(folder));

        Assert.Equal($"another headroom run (pid {Environment.ProcessId}) is using the study folder {folder}; wait for it to finish or stop it first", error.Message);
        Assert.False(File.Exists(Results(folder)));
    }

    [Fact]
    public async Task FolderReleasedByAFinishedRun_CanBeResumed()
    {
        var folder = Path.Combine(TempRoot, "released");
        await RunAsync(folder);

        var again = await RunAsync(folder);

        Assert.Equal(0, again.TrialsRun);
    }

    [Fact]
    public async Task DuplicatePhaseAndIndex_IsRefusedOnReading()
    {
        var folder = Path.Combine(TempRoot, "duplicate");
        await RunAsync(folder);
        var lines = File.ReadAllLines(Results(folder));
        File.AppendAllText(Results(folder), lines[2] + "\n", Encoding.UTF8);

        var error = Assert.Throws<UserInputException>(() => StudyFolder.Open(folder));

        Assert.StartsWith($"{Results(folder)} line {lines.Length + 1} records ", error.Message);
        Assert.Contains("(first on line 3): two runs wrote to this folder", error.Message);
    }
}
