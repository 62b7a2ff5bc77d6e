using System.CommandLine;
using Headroom.Experiments;
using Headroom.Reports;
using Headroom.Soak;
using Headroom.Specs;
using Headroom.Trials;
using Spectre.Console;

namespace Headroom.Cli.Commands;

/// <summary>
/// <c>headroom study --soak 5m</c>: after the recommendation, a soak of the recommended setting (its limit and runtime
/// limit) at the baseline's req/s, with its verdict; the files go to the study folder's <c>soak/</c>.
/// </summary>
internal static class StudySoakStep
{
    public static readonly Option<string> Soak = new("--soak") { Description = "After the recommendation, soak it for this long (5m): its limit and runtime limit at the unlimited baseline's req/s; the verdict (stable, growing, died) is printed and soak/report.html written. At most 9m (the runner's 10 min load timeout); longer: 'headroom soak --from <folder>'." };

    /// <summary>The runners end a load after 10 minutes; the soak must end before that.</summary>
    private static readonly TimeSpan s_longest = TimeSpan.FromMinutes(9);

    /// <summary>Checked before the study runs.</summary>
    public static TimeSpan? Read(ParseResult parsed)
    {
        if (parsed.GetValue(Soak) is not { } text)
        {
            return null;
        }
        var duration = SoakOptions.ParseDuration(text, "--soak");
        new SoakOptions { Rate = 1, Duration = duration }.Validate();
        return duration <= s_longest ? duration
            : throw new UserInputException($"--soak {text} is longer than 9m, the most a study's runner loads for; run 'headroom soak --from <study folder> --duration {text}' for it");
    }

    public static async Task RunAsync(
        TimeSpan duration, ITrialExecutorFactory factory, StudySpec spec, StudyReport report, StudyFolder folder, IAnsiConsole console, CancellationToken cancellationToken)
    {
        console.WriteLine();
        if (report.Recommendation is not { Limit: not null } recommendation || report.Study.Baseline.Load is not { } baseline)
        {
            console.MarkupLine("[yellow]soak skipped: there is no recommended limit to soak[/]");
            return;
        }
        var options = new SoakOptions { Rate = Math.Max(1, Math.Round(baseline.RequestsPerSecond)), Duration = duration };
        var setting = RecommendedSetting.From(recommendation, folder.Path);
        console.MarkupLineInterpolated($"[bold]Soak[/] of the recommendation: {setting.Limit}, {setting.Knobs.Describe()}, {options.Rate} req/s (the baseline's) for {duration}");
        var executor = factory.Create(spec with { Load = SoakCommand.WithRate(spec.Load, options) });
        await using var restore = executor as IAsyncDisposable;
        var soak = await SoakRun.RunAsync(executor, new TrialRequest(setting.Limit, setting.Knobs) { Purpose = "soak" }, options, null, cancellationToken);
        var output = Path.Combine(folder.Path, "soak");
        await SoakCommand.SaveAsync(output, soak, spec.Name, cancellationToken);
        foreach (var line in SoakReport.Lines(soak))
        {
            console.WriteLine(line);
        }
        console.MarkupLineInterpolated($"soak report: {Path.Combine(output, Reports.Html.HtmlReportWriter.FileName)}");
    }
}
