namespace Headroom.Tests.Experiments;

public sealed class StudyProgressTests() : TempFolderTest("headroom-progress-")
{
    /// <summary>Collects reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class Collect : IProgress<StudyProgress>
    {
        public List<StudyProgress> Reports { get; } = [];
        public void Report(StudyProgress value) => Reports.Add(value);
    }

    [Fact]
    public async Task Study_ReportsEveryTrialInOrder_WithPhasesAndAnEtaThatEndsAtZero()
    {
        var progress = new Collect();
        var executor = GoTwinScript.Executor();

        await new Study(executor, StudyFolder.Open(Path.Combine(TempRoot, "s"))).RunAsync(GoTwinScript.Plan(), progress, TestContext.Current.CancellationToken);

        Assert.Equal([.. Enumerable.Range(1, executor.Requests.Count), executor.Requests.Count], progress.Reports.Select(r => r.Trial));
        Assert.Equal(["baseline", "edge", "matrix", "floor", "done"], progress.Reports.Select(r => r.Phase).Distinct());
        Assert.All(progress.Reports, r => Assert.True(r.EstimatedTotal >= r.Trial));
        // Matrix trials are known exactly: 4 limits x 2 knob sets x 3 rounds.
        Assert.Equal(24, progress.Reports.Count(r => r.Phase == "matrix"));
        Assert.Equal(TimeSpan.Zero, progress.Reports[^1].Eta);
        Assert.Equal(progress.Reports[^1].Trial, progress.Reports[^1].EstimatedTotal);
        Assert.True(progress.Reports[1].Eta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Study_SaveSamples_WritesEachTrialsFileAndRecordsItsName()
    {
        var folder = Path.Combine(TempRoot, "samples");
        var study = new Study(GoTwinScript.Executor(), StudyFolder.Open(folder))
        {
            SaveSamples = (result, path, ct) => File.WriteAllTextAsync(path, $"{result.Request.Limit}\n", ct),
        };

        await study.RunAsync(GoTwinScript.Plan(), null, TestContext.Current.CancellationToken);

        var records = StudyFolder.Open(folder).Records;
        Assert.All(records, r => Assert.Equal($"{r.Limit?.ToString() ?? ""}\n", File.ReadAllText(Path.Combine(folder, r.SamplesFile!))));
        Assert.Equal("samples/edge-000.jsonl", records.First(r => r.Phase == "edge").SamplesFile);
    }
}
