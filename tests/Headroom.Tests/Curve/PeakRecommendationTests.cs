using System.Text.Json;
using Headroom.Reports;

namespace Headroom.Tests.Curve;

/// <summary>
/// <c>study --peak-concurrency</c>: the recommendation in every report (and <c>recommend --from</c> afterwards) comes
/// from the curve's need at the peak, with the extrapolation said, on the recorded Go study (healthy edge 14Mi).
/// </summary>
public sealed class PeakRecommendationTests : IDisposable
{
    private static readonly string Recorded = Path.Combine(AppContext.BaseDirectory, "Experiments", "RecordedStudies", "go-twin-scripted");

    // need 30 MiB at 200 connections, fitted to 1..100: x 1.25 = 37.5 MiB -> 38Mi
    private static readonly PeakNeed s_peak = new(
        "200 connections", 30 * 1048576.0, 25 * 1048576.0, 35 * 1048576.0,
        "need ≈ 10.0 MiB + 102.4 KiB × connections fitted to 1, 10, 50, 100 connections", "1 connections–100 connections");

    private readonly string _root = Directory.CreateTempSubdirectory("headroom-peak-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task AtPeak_LimitIsTheCurvesNeedPlusMargin_InEveryReport_AndTheExtrapolationIsSaid()
    {
        var folder = StudyFolder.OpenExisting(Recorded);
        var study = await new Study(null, folder).RunAsync(folder.ReadPlan(), null, TestContext.Current.CancellationToken);

        var report = StudyReport.From(study, new RecommendOptions { AtPeak = s_peak });

        var r = report.Recommendation!;
        Assert.Equal("38Mi", r.Limit.ToString());
        Assert.Equal(r.Limit, r.Request);
        // the runtime limit follows the limit: the golden test's non-heap overhead below 38Mi instead of 18Mi
        Assert.Equal((38 * 1048576L - 7025459 / 2).ToString(CultureInfo.InvariantCulture), r.RuntimeLimit!.Value);
        Assert.Contains("memory: 38Mi", r.ContainerYaml, StringComparison.Ordinal);
        var first = r.Prose[0];
        Assert.StartsWith("Memory limit 38Mi: the need at the peak of 200 connections, 30.0 MiB (95 % prediction 25.0 MiB–35.0 MiB), from the curve need ≈", first, StringComparison.Ordinal);
        Assert.Contains("extrapolated beyond the measured 1 connections–100 connections: the line is an assumption there", first, StringComparison.Ordinal);
        Assert.Contains("At the study's own load the healthy edge 14Mi", first, StringComparison.Ordinal);
        Assert.Contains("would be 18Mi", first, StringComparison.Ordinal);
        Assert.Contains(first, MarkdownReport.Render(report), StringComparison.Ordinal);
        var summary = JsonSerializer.Serialize(SummaryJson.From(report), StudyJson.Options);
        Assert.Contains("\"atPeak\"", summary, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("200 connections", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecommendFrom_AStudyWithACurvePeak_RecommendsFromTheCurve()
    {
        var study = Path.Combine(_root, "study");
        Directory.CreateDirectory(study);
        foreach (var file in Directory.GetFiles(Recorded))
        {
            File.Copy(file, Path.Combine(study, Path.GetFileName(file)));
        }
        StudyFolder.OpenExisting(study).WriteJson(PeakNeed.FileName, s_peak);

        var (exit, stdout, stderr) = await CliRun.RunAsync("recommend", "--from", study);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("Memory limit 38Mi: the need at the peak of 200 connections", stdout, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(Path.Combine(study, "report.html"), TestContext.Current.CancellationToken);
        Assert.Contains("the need at the peak of 200 connections", html, StringComparison.Ordinal);
        Assert.Contains("\"limit\": \"38Mi\"", await File.ReadAllTextAsync(Path.Combine(study, "summary.json"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
