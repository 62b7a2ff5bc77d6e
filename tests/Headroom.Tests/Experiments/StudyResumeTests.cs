namespace Headroom.Tests.Experiments;

public sealed class StudyResumeTests() : TempFolderTest("headroom-study-")
{
    private static async Task<(StudyResult Result, int Executed)> RunAsync(string folder, Action<int>? beforeTrial = null, CancellationToken? cancellationToken = null)
    {
        var executor = GoTwinScript.Executor(beforeTrial);
        var result = await new Study(executor, StudyFolder.Open(folder))
            .RunAsync(GoTwinScript.Plan(), null, cancellationToken ?? TestContext.Current.CancellationToken);
        return (result, executor.Requests.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(11)]
    [InlineData(25)]
    public async Task Study_CancelledAfterKTrialsThenResumed_RunsEachPlannedTrialExactlyOnce(int k)
    {
        var (reference, total) = await RunAsync(Path.Combine(TempRoot, "whole"));
        Assert.InRange(k, 1, total - 1);

        var folder = Path.Combine(TempRoot, "interrupted");
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            RunAsync(folder, n => { if (n == k) cancellation.Cancel(); }, cancellation.Token));
        Assert.Equal(k, StudyFolder.Open(folder).Records.Count);

        var (resumed, executedOnResume) = await RunAsync(folder);

        Assert.Equal(total - k, executedOnResume);
        Assert.Equal((total - k, k), (resumed.TrialsRun, resumed.TrialsReplayed));
        var records = StudyFolder.Open(folder).Records;
        Assert.Equal(total, records.Count);
        Assert.Equal(total, records.Select(r => (r.Phase, r.Index)).Distinct().Count());
        Assert.Equal(
            StudyFolder.Open(Path.Combine(TempRoot, "whole")).Records.Select(r => (r.Phase, r.Index, r.Limit, r.KnobSet, r.Outcome)),
            records.Select(r => (r.Phase, r.Index, r.Limit, r.KnobSet, r.Outcome)));
        Assert.Equal(reference.Edge!.SurvivalEdge, resumed.Edge!.SurvivalEdge);
        Assert.Equal(reference.Edge.HealthyEdge, resumed.Edge.HealthyEdge);
        Assert.Equal(reference.Floor!.Floor, resumed.Floor!.Floor);
    }

    [Fact]
    public async Task Study_FolderOfAnotherPlan_IsRefused()
    {
        var folder = Path.Combine(TempRoot, "other");
        await RunAsync(folder);

        var error = await Assert.ThrowsAsync<UserInputException>(() =>
            new Study(GoTwinScript.Executor(), StudyFolder.Open(folder)).RunAsync(GoTwinScript.Plan(repeats: 5), null, TestContext.Current.CancellationToken));

        Assert.Contains("holds another study (go-twin", error.Message);
    }

    [Fact]
    public async Task Study_ReplayOnlyOfAnIncompleteFolder_SaysHowToFinishIt()
    {
        var folder = Path.Combine(TempRoot, "incomplete");
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            RunAsync(folder, n => { if (n == 3) cancellation.Cancel(); }, cancellation.Token));

        var error = await Assert.ThrowsAsync<UserInputException>(() =>
            new Study(null, StudyFolder.OpenExisting(folder)).RunAsync(GoTwinScript.Plan(), null, TestContext.Current.CancellationToken));

        Assert.Equal($"the study in {folder} is incomplete: edge trial 3 was never run; finish it with 'headroom study --resume {folder}'", error.Message);
    }

    [Fact]
    public void StudyFolder_LineCutShortByAKill_IsDroppedAndRunAgain()
    {
        var folder = Path.Combine(TempRoot, "cut");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, StudyFolder.ResultsFile), "{\"specHash\":\"ab\",\"phase\":\"base");

        Assert.Empty(StudyFolder.Open(folder).Records);
    }
}
