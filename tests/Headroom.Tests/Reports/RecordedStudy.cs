using Headroom.Reports.Html;

namespace Headroom.Tests.Reports;

/// <summary>
/// A real study of the Go sample recorded on this machine by <c>bench/report-fixture/RecordStudy.cs</c> (plan.json,
/// results.jsonl and the sample files the report charts), replayed through the real <see cref="Study"/> with no live
/// executor, so the report is built from exactly what the experiments compute from recorded trials.
/// </summary>
internal static class RecordedStudy
{
    public static string Folder { get; } = Path.Combine(RepoRoot.Path, "tests", "Headroom.Tests", "Reports", "Fixtures", "go-study");

    public static async Task<(StudyResult Study, StudySamples Samples)> LoadAsync(CancellationToken cancellationToken)
    {
        var folder = StudyFolder.OpenExisting(Folder);
        var study = await new Study(null, folder).RunAsync(folder.ReadPlan(), null, cancellationToken);
        var samples = await StudySamples.LoadAsync(folder, cancellationToken);
        return (study, samples);
    }

    /// <summary>Copies the study to a fresh folder so a test can write report.html beside it.</summary>
    public static string CopyTo(string destination)
    {
        foreach (var file in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return destination;
    }
}
