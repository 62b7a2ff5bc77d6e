namespace Headroom.Tests.Experiments;

/// <summary>
/// Every trial at a limit counts and no section contradicts another: a failed matrix round at the survival edge moves
/// the survival edge (with a note and a caveat naming the round's outcome), the caveat between the edges gives the
/// evidence that decided it, and one wording for too few paired rounds. Inputs: the recorded Go twin study, with
/// a round ended as the real studies of measure-12 saw (C# 3 and Go: one no-knob round thrashing at the edge).
/// </summary>
public sealed class MatrixEvidenceTests
{
    [Fact]
    public async Task ThrashingRoundAtTheSurvivalEdge_MovesItUp_AndTheNoteAndCaveatNameTheRound()
    {
        var study = RecordedGoTwin.WithMatrixRound(await RecordedGoTwin.LoadAsync(), "12Mi", KnobSet.None.Name, 2, TrialOutcome.Thrashing,
            "crawling: 40.7 req/s against 10,000 unlimited, pgmajfault +347");

        var (edge, notes) = HealthEvidence.Reconcile(study.Edge!, study.Matrix, study.Plan.Spec.EdgeOptions());

        // 13Mi is the least limit above 12Mi where every trial survived (one edge trial, slow but alive).
        Assert.Equal("13Mi", edge.SurvivalEdge.ToString());
        Assert.Equal("12Mi", edge.LargestFailing.ToString());
        Assert.Equal("14Mi", edge.HealthyEdge.ToString());
        var note = Assert.Single(notes);
        Assert.StartsWith("survival edge moved up from 12Mi to 13Mi: the matrix's no-knob cell at 12Mi had 1 of 3 rounds thrashing (the 2 that survived: a median of 713 req/s", note, StringComparison.Ordinal);
        var caveats = Caveats.From(study with { Edge = edge }, null);
        Assert.Contains("In the matrix, none at 12Mi failed: 1 of 3 rounds thrashing.", caveats);
    }

    [Fact]
    public async Task OomKilledRound_IsNamedByItsOutcome_InTheCaveats()
    {
        var study = RecordedGoTwin.WithMatrixRound(await RecordedGoTwin.LoadAsync(), "24Mi", "go", 3, TrialOutcome.OomKilled, "oom_kill 0->1, exit 137 (SIGKILL)");

        var caveats = Caveats.From(study, null);

        Assert.Contains("In the matrix, go at 24Mi failed: 1 of 3 rounds oom-killed.", caveats);
        Assert.DoesNotContain(caveats, c => c.Contains("none at 24Mi", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HealthyEdgeMovedByTheMatrix_CaveatGivesTheMatrixCell_NeverTheEdgeTrialsHealthyNumbers()
    {
        // As study 2 of measure-12: the edge search found the survival edge healthy (here 9,880 req/s, p99 4.5 ms, well
        // above the bar) while the matrix's no-knob cell there was not (713 req/s over 3 rounds, all alive).
        var recorded = await RecordedGoTwin.LoadAsync();
        var searched = recorded.Edge! with
        {
            HealthyEdge = MemoryQuantity.Parse("12Mi"),
            ThroughputCurve = [.. recorded.Edge!.ThroughputCurve.Select(p => p.Limit == recorded.Edge.SurvivalEdge
                ? p with { MedianRequestsPerSecond = 9880, MedianP99Latency = TimeSpan.FromMilliseconds(4.5) }
                : p)],
        };

        var (edge, notes) = HealthEvidence.Reconcile(searched, recorded.Matrix, recorded.Plan.Spec.EdgeOptions());
        var caveats = Caveats.From(recorded with { Edge = edge }, null);

        Assert.Equal("12Mi", edge.SurvivalEdge.ToString());
        Assert.Equal("14Mi", edge.HealthyEdge.ToString());
        Assert.Contains(notes, n => n.StartsWith("healthy edge moved up from 12Mi to 14Mi: the matrix's no-knob cell at 12Mi had a median of 713 req/s", StringComparison.Ordinal));
        var between = Assert.Single(caveats, c => c.StartsWith("Between the survival edge 12Mi and the healthy edge 14Mi ", StringComparison.Ordinal));
        Assert.Contains("the matrix's no-knob cell at 12Mi had a median of 713 req/s, p99 55.0 ms over 3 rounds (the healthy bar is ", between, StringComparison.Ordinal);
        Assert.DoesNotContain("9,880", between, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoPairedRounds_RecommendationAndCaveatSayTheSameThing()
    {
        // The recommended 18Mi is compared at the matrix's 18Mi: one of its go rounds OOM-killed leaves 2 paired rounds.
        var study = RecordedGoTwin.WithMatrixRound(await RecordedGoTwin.LoadAsync(), "18Mi", "go", 1, TrialOutcome.OomKilled, "oom_kill 0->1, exit 137 (SIGKILL)");

        var r = Headroom.Reports.StudyReport.From(study, new RecommendOptions()).Recommendation!;

        const string TooFew = "too few paired rounds to tell (2 had both trials survive; a verdict needs 3)";
        Assert.Equal(TooFew, r.Knob!.Verdict);
        Assert.Contains($"Whether go pays off at 18Mi is unknown: {TooFew}.", r.Caveats);
        Assert.DoesNotContain(r.Caveats, c => c.Contains("fewer than two", StringComparison.Ordinal));
    }
}
