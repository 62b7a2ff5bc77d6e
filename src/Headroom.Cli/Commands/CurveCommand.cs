using System.CommandLine;
using Headroom.Curve;
using Headroom.Reports;
using Headroom.Runners;
using Headroom.Soak;

namespace Headroom.Cli.Commands;

/// <summary>
/// <c>headroom curve</c>: the need at several load levels (connections or rates), each level's edge search starting
/// from the levels before it, a line need ≈ a + b × level with its error, and the limit at a stated peak.
/// </summary>
internal static class CurveCommand
{
    private static readonly Option<string> s_concurrency = new("--concurrency") { Description = "Connection levels (-c), increasing: 1,10,50,200." };
    private static readonly Option<string> s_rates = new("--rates") { Description = "Fixed arrival rates (--rate) in req/s, increasing: 100,1000,5000." };
    private static readonly Option<double?> s_peakConcurrency = new("--peak-concurrency") { Description = "The connections expected at peak: prints the recommended limit there (said as an extrapolation beyond the levels)." };
    private static readonly Option<double?> s_peakRate = new("--peak-rate") { Description = "The req/s expected at peak (with --rates)." };
    private static readonly Option<bool> s_independent = new("--independent") { Description = "Start every level's search at its own baseline's prediction, as separate 'headroom edge' runs would (to compare trial counts)." };

    public static Command Create()
    {
        var options = new StudyCommandOptions();
        var command = new Command("curve",
            "Find the need at several load levels: an unlimited baseline and the survival and healthy edge search at each " +
            "level, each search starting where the previous levels put the edge; then need ≈ a + b x level with its error, " +
            "and with --peak-concurrency or --peak-rate the recommended limit at the peak.");
        options.AddTo(command, matrix: false, floor: false);
        foreach (var option in new Option[] { s_concurrency, s_rates, s_peakConcurrency, s_peakRate, s_independent })
        {
            command.Options.Add(option);
        }
        command.SetAction((parsed, ct) => RunAsync(parsed, options, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parsed, StudyCommandOptions options, CancellationToken cancellationToken)
    {
        if (parsed.GetValue(options.Resume) is not null)
        {
            throw new UserInputException("curve does not resume; run it again");
        }
        var (axis, text) = (parsed.GetValue(s_concurrency), parsed.GetValue(s_rates)) switch
        {
            ({ } c, null) => (CurveAxis.Connections, c),
            (null, { } r) => (CurveAxis.Rate, r),
            (null, null) => throw new UserInputException("give the levels: --concurrency 1,10,50,200 or --rates 100,1000,5000"),
            _ => throw new UserInputException("give --concurrency or --rates, not both: a curve varies one of them"),
        };
        var levels = axis.ParseLevels(text);
        var peak = (parsed.GetValue(s_peakConcurrency), parsed.GetValue(s_peakRate)) switch
        {
            (null, null) => (double?)null,
            ({ } p, null) when axis == CurveAxis.Connections => p,
            (null, { } p) when axis == CurveAxis.Rate => p,
            _ => throw new UserInputException(axis == CurveAxis.Connections ? "with --concurrency give the peak as --peak-concurrency" : "with --rates give the peak as --peak-rate"),
        };
        if (peak is <= 0)
        {
            throw new UserInputException("the peak must be above 0");
        }
        var spec = options.ReadSpec(parsed);
        foreach (var level in levels)
        {
            ConnectionRate.CheckFlags(LevelLoad(spec.Load, axis, level));
        }
        var factory = ContainerRunnerOptions.IsDocker(parsed) ? ContainerRunnerOptions.Factory(parsed, new Runners.Local.LocalRunnerOptions())
            : KubernetesRunnerOptions.IsKubernetes(parsed) ? KubernetesRunnerOptions.Factory(parsed)
            : TrialExecutors.Factory;
        var error = parsed.InvocationConfiguration.Error;
        var progress = new InlineProgress<string>(line => error.WriteLine($"headroom: {line}"));
        var experiment = new CurveExperiment(level => factory.Create(spec with { Load = LevelLoad(spec.Load, axis, level) }), spec.EdgeOptions(), spec.BaselineRuns ?? 1)
        {
            Independent = parsed.GetValue(s_independent),
        };
        var result = await experiment.RunAsync(axis, levels, peak, spec.Margin, progress, cancellationToken);
        var lines = CurveReport.Lines(result);
        foreach (var line in lines)
        {
            await parsed.InvocationConfiguration.Output.WriteLineAsync(line);
        }
        if (parsed.GetValue(options.Out) is { } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllLinesAsync(Path.Combine(folder, "curve.txt"), lines, cancellationToken);
        }
        return result.Fit is null ? 1 : 0;
    }

    private static string LevelLoad(string load, CurveAxis axis, double level) => $"{load} {axis.LoadFlag(level)}";
}
