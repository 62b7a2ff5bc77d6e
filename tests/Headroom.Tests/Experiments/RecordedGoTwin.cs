namespace Headroom.Tests.Experiments;

/// <summary>
/// The recorded Go twin study (RecordedStudies/go-twin-scripted) replayed through the real <see cref="Study"/>, and
/// the same study with one matrix round ended otherwise, as the real studies in which a round at the edge was
/// OOM-killed or thrashed.
/// </summary>
internal static class RecordedGoTwin
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Experiments", "RecordedStudies", "go-twin-scripted");

    public static async Task<StudyResult> LoadAsync()
    {
        var folder = StudyFolder.OpenExisting(Folder);
        return await new Study(null, folder).RunAsync(folder.ReadPlan(), null, TestContext.Current.CancellationToken);
    }

    /// <summary>The study with round <paramref name="round"/> of the <paramref name="knobs"/> cell at <paramref name="limit"/> ended as <paramref name="outcome"/>.</summary>
    public static StudyResult WithMatrixRound(StudyResult study, string limit, string knobs, int round, TrialOutcome outcome, string evidence)
    {
        var m = study.Matrix!;
        var at = MemoryQuantity.Parse(limit);
        var trials = m.Trials
            .Select(t => t.Round == round && t.Limit.Limit == at && t.Knobs.Name == knobs
                ? t with { Result = t.Result with { Outcome = outcome, Evidence = evidence } }
                : t)
            .ToList();
        return study with { Matrix = MatrixExperiment.Summarize(m.Limits, m.KnobSets, m.Repeats, trials, study.Plan.Spec.MatrixOptions()) };
    }
}
