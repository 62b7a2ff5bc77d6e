using Headroom.Reports;
using Headroom.Runners.Kubernetes;

namespace Headroom.Tests.Experiments;

/// <summary>
/// A study whose load went through the Kubernetes API server's port-forward says so in its report with the rates it
/// achieved (the recorded Go study, its trials marked as the Kubernetes runner marks them).
/// </summary>
public class PortForwardCaveatTests
{
    [Fact]
    public async Task LoadThroughThePortForward_IsACaveat_WithTheAchievedRates_InSummaryJsonsCaveatsAndReportMd()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = StudyFolder.OpenExisting(Path.Combine(AppContext.BaseDirectory, "Experiments", "RecordedStudies", "go-twin-scripted"));
        var study = await new Study(null, folder).RunAsync(folder.ReadPlan(), null, ct);
        var forwarded = study with
        {
            Baseline = study.Baseline with { Details = study.Baseline.Details with { LoadPath = PodPortForward.LoadPath } },
        };
        var unlimited = study.Baseline.Load!.RequestsPerSecond;
        var trials = study.Edge!.Trials.Select(t => t.Result.Load?.RequestsPerSecond).OfType<double>().ToList();
        var expected = string.Create(CultureInfo.InvariantCulture,
            $"The load went through the API server's port-forward: {unlimited:#,0} req/s achieved unlimited, {trials.Min():#,0}-{trials.Max():#,0} req/s in the edge's trials. Traffic inside the cluster can come faster and make the service allocate more, so the edges may be optimistic; --url with an address that reaches the pods from inside the cluster's network (an ingress) avoids it.");

        var report = StudyReport.From(forwarded, new RecommendOptions());

        Assert.Contains(expected, report.Recommendation!.Caveats);
        Assert.Contains(expected, MarkdownReport.Render(report), StringComparison.Ordinal);
        Assert.DoesNotContain(StudyReport.From(study, new RecommendOptions()).Recommendation!.Caveats, c => c.Contains("port-forward", StringComparison.Ordinal));
    }
}
