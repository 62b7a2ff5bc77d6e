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

    public static async Task<PeakEstimate?> RunAsync(
        Plan plan, ITrialExecutorFactory factory, StudySpec spec, StudyFolder folder, IAnsiConsole console, CancellationToken cancellationToken)
    {
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
        if (curve.Peak is { } peak)
        {
            console.MarkupLineInterpolated($"[bold]Memory limit at the peak of {plan.Peak} connections: {peak.Limit.ToKubernetes()}[/] (from the curve; the recommendation above is for the load's own connections)");
        }
        return curve.Peak;
    }

    private static string Load(StudySpec spec, double level) => $"{spec.Load} {CurveAxis.Connections.LoadFlag(level)}";
}
