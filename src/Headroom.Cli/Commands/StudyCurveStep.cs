using System.CommandLine;
using System.Globalization;
using Headroom.Curve;
using Headroom.Experiments;
using Headroom.Reports;
using Headroom.Runners;
using Headroom.Soak;
using Headroom.Specs;
using Spectre.Console;

namespace Headroom.Cli.Commands;

/// <summary>
/// <c>headroom study --peak-concurrency N</c>: after the recommendation, a curve over connection levels and the limit
/// at the peak from it (the study's own recommendation is for its load's connections only).
/// </summary>
internal static class StudyCurveStep
{
    public static readonly Option<double?> PeakConcurrency = new("--peak-concurrency") { Description = "The connections expected at peak: after the recommendation, run a curve (--concurrency) and recommend the limit at the peak from it." };
    public static readonly Option<string> Concurrency = new("--concurrency") { Description = "With --peak-concurrency: the curve's connection levels (default the load's -c, 2x and 4x it)." };

    public sealed record Plan(IReadOnlyList<double> Levels, double Peak);

    /// <summary>Checked before the study runs, so a typo does not wait for it.</summary>
    public static Plan? Read(ParseResult parsed, StudySpec spec)
    {
        if (parsed.GetValue(PeakConcurrency) is not { } peak)
        {
            return parsed.GetValue(Concurrency) is null ? null : throw new UserInputException("--concurrency in a study goes with --peak-concurrency");
        }
        if (!(peak > 0))
        {
            throw new UserInputException("--peak-concurrency must be above 0");
        }
        var c = ConnectionRate.ConnectionsOf(spec.Load);
        var levels = CurveAxis.Connections.ParseLevels(parsed.GetValue(Concurrency) ?? string.Create(CultureInfo.InvariantCulture, $"{c},{2 * c},{4 * c}"));
        foreach (var level in levels)
        {
            ConnectionRate.CheckFlags(Load(spec, level));
        }
        return new Plan(levels, peak);
    }

    /// <summary>
    /// Runs the curve when the study found a healthy edge (else there is nothing to recommend), prints it, writes
    /// curve.txt and <see cref="PeakNeed.FileName"/>, and returns the need at the peak the recommendation is taken from.
    /// </summary>
    public static async Task<PeakNeed?> RunAsync(
        Plan plan, ITrialExecutorFactory factory, StudyResult study, StudyFolder folder, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var spec = study.Plan.Spec;
        if (study.Edge?.HealthyEdge is null)
        {
            console.MarkupLine("[grey]no curve: the study found no healthy edge, so there is no recommendation to take to the peak[/]");
            return null;
        }
        console.WriteLine();
        console.MarkupLine("[bold]Curve[/] (the need against connections)");
        var progress = new InlineProgress<string>(line => console.MarkupLineInterpolated($"[grey]{line}[/]"));
        var curve = await new CurveExperiment(level => factory.Create(spec with { Load = Load(spec, level) }), spec.EdgeOptions(), spec.BaselineRuns ?? 1)
            .RunAsync(CurveAxis.Connections, plan.Levels, plan.Peak, spec.Margin, progress, cancellationToken);
        var lines = CurveReport.Lines(curve);
        foreach (var line in lines)
        {
            console.WriteLine(line);
        }
        await File.WriteAllLinesAsync(Path.Combine(folder.Path, "curve.txt"), lines, cancellationToken);
        if (CurveReport.PeakNeed(curve) is not { } need)
        {
            console.MarkupLine("[grey]the curve has no line (fewer than two levels have a need): the recommendation stays at the study's own load[/]");
            return null;
        }
        folder.WriteJson(PeakNeed.FileName, need);
        console.MarkupLineInterpolated($"[bold]The recommendation below is for the peak of {need.Peak}[/]{(need.Extrapolation is null ? "" : $" (extrapolated beyond the measured {need.Extrapolation})")}");
        return need;
    }

    private static string Load(StudySpec spec, double level) => $"{spec.Load} {CurveAxis.Connections.LoadFlag(level)}";
}
