namespace Headroom.Tests.Experiments;

/// <summary>The edge search with N trial slots: the same edges as with one slot, in fewer rounds.</summary>
public class ParallelEdgeSearchTests
{
    private static MemoryQuantity Mi(double mebibytes) => MemoryQuantity.FromMebibytes(mebibytes);

    private static async Task<EdgeSearchResult> SearchAsync(ITrialExecutor executor, EdgeSearchOptions? options = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var baseline = await executor.RunAsync(new TrialRequest(null, KnobSet.None), null, ct);
        return await new EdgeSearch(executor, options ?? new EdgeSearchOptions()).RunAsync(baseline, KnobSet.None, null, null, ct);
    }

    [Theory]
    [InlineData(3, null)]
    [InlineData(9, 14.0)]
    [InlineData(12, null)]
    [InlineData(17, 21.0)]
    [InlineData(30, null)]
    public async Task TwoAndThreeSlots_FindTheSameEdgesAsOne_InFewerRounds(double edgeMi, double? healthyMi)
    {
        await using var one = SlottedScriptedExecutor.Deterministic(1, edgeMi, healthyMi);
        var sequential = await SearchAsync(one);
        Assert.Equal(Mi(edgeMi), sequential.SurvivalEdge);
        Assert.Equal(sequential.TrialsUsed, sequential.Rounds);
        Assert.Equal(1, one.MaxRunning);

        foreach (var slots in new[] { 2, 3 })
        {
            await using var executor = SlottedScriptedExecutor.Deterministic(slots, edgeMi, healthyMi);
            var parallel = await SearchAsync(executor);

            Assert.Equal(sequential.SurvivalEdge, parallel.SurvivalEdge);
            Assert.Equal(sequential.LargestFailing, parallel.LargestFailing);
            Assert.Equal(sequential.HealthyEdge, parallel.HealthyEdge);
            Assert.Equal(sequential.LargestUnhealthy, parallel.LargestUnhealthy);
            Assert.Equal(3, parallel.TrialsAt(parallel.SurvivalEdge!.Value).Count());
            Assert.True(parallel.Rounds < sequential.Rounds, $"{slots} slots: {parallel.Rounds} rounds, one slot {sequential.Rounds}");
            Assert.Equal(slots, executor.MaxRunning);
            Assert.All(executor.TrialsPerSlot, n => Assert.True(n > 0));
        }
    }

    [Fact]
    public async Task OneSlot_AsksForTheSameTrialsInTheSameOrderAsThePlainExecutor()
    {
        var plain = ScriptedTrialExecutor.Deterministic(edgeMi: 17, healthyMi: 21);
        await SearchAsync(plain);
        await using var slotted = SlottedScriptedExecutor.Deterministic(1, 17, 21);
        await SearchAsync(slotted);

        Assert.Equal(plain.Requests.Select(r => r.Limit), slotted.Requests.Select(r => r.Limit));
        Assert.Equal(plain.Requests.Select(r => r.Purpose), slotted.Requests.Select(r => r.Purpose));
    }

    [Fact]
    public async Task ThreeSlots_SplitTheBracketInFour_AndConfirmSideBySide()
    {
        await using var executor = SlottedScriptedExecutor.Deterministic(3, edgeMi: 20);
        var result = await SearchAsync(executor, new EdgeSearchOptions { SearchHealthyEdge = false, Min = Mi(4), Max = Mi(64) });

        Assert.Equal(Mi(20), result.SurvivalEdge);
        Assert.Contains(result.Trials, t => t.Step == "bisect");
        var rounds = result.Trials.GroupBy(t => t.Round).ToList();
        Assert.All(rounds, r => Assert.InRange(r.Count(), 1, 3));
        // The final confirmation: three trials at the edge in one round.
        var last = rounds[^1].ToList();
        Assert.Equal(["confirm", "confirm"], last.Select(t => t.Step));
        Assert.All(last, t => Assert.Equal(Mi(20), t.Limit));
    }

    [Fact]
    public async Task LinearScan_WithThreeSlots_ConfirmsEachLimitInOneRound()
    {
        await using var executor = SlottedScriptedExecutor.Deterministic(3, edgeMi: 12);
        var result = await SearchAsync(executor, new EdgeSearchOptions { Strategy = EdgeStrategy.Linear, SearchHealthyEdge = false });

        Assert.Equal(Mi(12), result.SurvivalEdge);
        Assert.All(result.Trials.GroupBy(t => t.Round), r => Assert.Single(r.Select(t => t.Limit).Distinct()));
        Assert.True(result.Rounds * 2 < result.TrialsUsed);
    }
}
