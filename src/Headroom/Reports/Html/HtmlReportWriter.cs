using Headroom.Experiments;

namespace Headroom.Reports.Html;

/// <summary>Writes <c>report.html</c> into a study folder, next to <c>report.md</c> and <c>summary.json</c>.</summary>
public static class HtmlReportWriter
{
    public const string FileName = "report.html";

    /// <summary>Writes the study folder's report.html from the same model as report.md, with the memory series of its
    /// trials read from the folder's sample files (or taken from results that still hold them).</summary>
    public static async Task<string> WriteAsync(StudyFolder folder, StudyReport report, CancellationToken cancellationToken)
    {
        var samples = await StudySamples.LoadAsync(folder, cancellationToken);
        var document = StudyReportBuilder.Build(report, samples, new StudyReportExtras { Generated = DateTimeOffset.Now });
        return await WriteAsync(folder.Path, document, cancellationToken);
    }

    /// <summary>Renders <paramref name="document"/> and replaces the folder's report.html in one move (a reader never
    /// sees half a file). Returns the file's path.</summary>
    public static async Task<string> WriteAsync(string folder, ReportDocument document, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, FileName);
        var temporary = path + ".tmp";
        try
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(temporary, HtmlReport.Render(document), cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not OutputFolderException)
        {
            throw new OutputFolderException($"cannot write {path}: {OutputFolderException.Reason(e)}", e);
        }
        return path;
    }
}
