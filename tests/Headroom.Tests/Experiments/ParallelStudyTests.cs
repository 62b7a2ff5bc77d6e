namespace Headroom.Tests.Experiments;

/// <summary>A study with three trial slots: results.jsonl in order, an interrupted study resumed, a replay without a runner.</summary>
public sealed class ParallelStudyTests() : TempFolderTest("headroom-parallel-study-")
{
    private static StudyPlan Plan(int? parallel) => GoTwinScript.Plan() with { Spec = GoTwinScript.Plan().Spec with { Parallel = parallel } };

    private static SlottedScriptedExecutor Executor(Action<int>? onStart = null) =>
        new(3, request => GoTwinScript.Trial(request, 0), TimeSpan.FromMilliseconds(10)) { OnStart = onStart };

    private static IEnumerable<(string, int)> Keys(string folder) => StudyFolder.Open(folder).Records.Select(r => (r.Phase, r.Index));

    [Fact]
    public async Task ThreeSlots_SameFindingsAsOne_ResultsAppendedInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        var sequential = await new Study(GoTwinScript.Executor(), StudyFolder.Open(Path.Combine(TempRoot, "one"))).RunAsync(Plan(null), null, ct);
        await using var executor = Executor();
        var folder = Path.Combine(TempRoot, "three");

        var parallel = await new Study(executor, StudyFolder.Open(folder)).RunAsync(Plan(3), null, ct);

        Assert.Equal(3, executor.MaxRunning);
        Assert.Equal(sequential.Edge!.SurvivalEdge, parallel.Edge!.SurvivalEdge);
        Assert.Equal(sequential.Edge.HealthyEdge, parallel.Edge.HealthyEdge);
        Assert.Equal(sequential.Floor!.Floor!.Limit, parallel.Floor!.Floor!.Limit);
        Assert.Equal(sequential.Matrix!.Cells.Select(c => (c.Limit.Limit, c.Knobs.Name, c.Trials, c.Survived)),
            parallel.Matrix!.Cells.Select(c => (c.Limit.Limit, c.Knobs.Name, c.Trials, c.Survived)));
        Assert.True(parallel.Edge.Rounds < sequential.Edge.Rounds);
        var phases = StudyPhases.All.ToList();
        Assert.Equal(Keys(folder).OrderBy(k => phases.IndexOf(k.Item1)).ThenBy(k => k.Item2), Keys(folder));
        Assert.Equal(parallel.TrialsRun, Keys(folder).Count());

        var replayed = await new Study(null, StudyFolder.OpenExisting(folder)).RunAsync(Plan(3), null, ct);
        Assert.Equal((0, parallel.TrialsRun), (replayed.TrialsRun, replayed.TrialsReplayed));
        Assert.Equal(parallel.Edge.HealthyEdge, replayed.Edge!.HealthyEdge);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(9)]
    [InlineData(20)]
    public async Task ThreeSlots_CancelledAtTrialK_ThenResumed_RunsEveryPlannedTrialOnce(int k)
    {
        var ct = TestContext.Current.CancellationToken;
        var whole = Path.Combine(TempRoot, "whole");
        await using (var executor = Executor())
        {
            await new Study(executor, StudyFolder.Open(whole)).RunAsync(Plan(3), null, ct);
        }
        var total = Keys(whole).Count();

        var folder = Path.Combine(TempRoot, $"cut-{k}");
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using (var executor = Executor(n => { if (n == k) cancellation.Cancel(); }))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                new Study(executor, StudyFolder.Open(folder)).RunAsync(Plan(3), null, cancellation.Token));
        }
        var recorded = Keys(folder).Count();
        Assert.InRange(recorded, 1, k);

        await using var resume = Executor();
        var resumed = await new Study(resume, StudyFolder.Open(folder)).RunAsync(Plan(3), null, ct);

        Assert.Equal(total - recorded, resume.Requests.Count);
        Assert.Equal(Keys(whole).Order(), Keys(folder).Order());
        Assert.Equal(
            StudyFolder.Open(whole).Records.Select(r => (r.Phase, r.Index, r.Limit, r.KnobSet, r.Outcome)).Order(),
            StudyFolder.Open(folder).Records.Select(r => (r.Phase, r.Index, r.Limit, r.KnobSet, r.Outcome)).Order());
        Assert.NotNull(resumed.Edge!.HealthyEdge);
    }

    [Fact]
    public async Task PlanWithThreeSlots_OnAOneSlotRunner_IsRefused()
    {
        var error = await Assert.ThrowsAsync<UserInputException>(() =>
            new Study(GoTwinScript.Executor(), StudyFolder.Open(Path.Combine(TempRoot, "mismatch"))).RunAsync(Plan(3), null, TestContext.Current.CancellationToken));

        Assert.Contains("runs 3 trials at once (--parallel 3) but this runner has 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrialBatch_FailureInOneTrial_CancelsTheOthers_AndReportsTheFailure()
    {
        var ct = TestContext.Current.CancellationToken;
        var started = 0;
        var cancelled = 0;
        var slots = Enumerable.Range(0, 3).Select(i => (ITrialExecutor)new DelegateExecutor(async (request, token) =>
        {
            Interlocked.Increment(ref started);
            if (request.Purpose == "bad")
            {
                await Task.Delay(20, token);
                throw new UserInputException("refused");
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), token);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cancelled);
                throw;
            }
            throw new InvalidOperationException("not cancelled");
        })).ToList();
        await using var pool = new TrialPool(slots);
        var requests = s_purposes.Select(p => new TrialRequest(null, Knobs.KnobSet.None) { Purpose = p }).ToList();

        var error = await Assert.ThrowsAsync<UserInputException>(() => TrialBatch.RunAsync(pool, requests, null, ct));

        Assert.Equal("refused", error.Message);
        // Every trial that started besides the failing one was cancelled (none ran to its end); a waiting trial may
        // take the failed trial's slot before the cancellation reaches it, and is then cancelled at once.
        Assert.InRange(started, 3, 5);
        Assert.Equal(started - 1, cancelled);
    }

    private static readonly string[] s_purposes = ["ok", "bad", "ok", "ok", "ok"];

    private sealed class DelegateExecutor(Func<TrialRequest, CancellationToken, Task<TrialResult>> run) : ITrialExecutor
    {
        public Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken) => run(request, cancellationToken);
    }
}
