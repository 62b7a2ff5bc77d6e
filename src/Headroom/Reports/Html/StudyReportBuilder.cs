using System.Globalization;
using Headroom.Experiments;
using Headroom.Reports.Charts;
using Headroom.Trials;

namespace Headroom.Reports.Html;

/// <summary>The recommendation as <c>recommend</c> wrote it: its paragraphs, caveats, the Kubernetes container snippet
/// as YAML, or why there is none.</summary>
public sealed record ReportRecommendation(IReadOnlyList<string> Prose, IReadOnlyList<string> Caveats, string? Yaml, string? Unavailable = null)
{
    public static ReportRecommendation From(Recommendation recommendation) =>
        new(recommendation.Prose, recommendation.Caveats, recommendation.ContainerYaml, recommendation.Unavailable);
}

/// <summary>What a report needs beyond the study's results (each optional).</summary>
public sealed record StudyReportExtras
{
    public ReportRecommendation? Recommendation { get; init; }

    /// <summary>Whether trials started cold (page cache evicted); null: taken from the baseline's details when it has them.</summary>
    public bool? ColdStart { get; init; }

    /// <summary>The machine the trials ran on; null: this machine (<see cref="MachineDescription.Current"/>).</summary>
    public string? Machine { get; init; }

    public DateTimeOffset? Generated { get; init; }
}

/// <summary>
/// Maps a study's results (<see cref="StudyResult"/>: baseline, edge, matrix, floor) to the report document: the
/// run's facts, a summary, one section per phase with the same tables report.md has, and the charts.
/// </summary>
public static class StudyReportBuilder
{
    /// <summary>The HTML view of the model report.md and summary.json render (<see cref="StudyReport"/>).</summary>
    public static ReportDocument Build(StudyReport report, StudySamples samples, StudyReportExtras? extras = null) =>
        Build(report.Study, samples, (extras ?? new StudyReportExtras()) with
        {
            Recommendation = report.Recommendation is { } r ? ReportRecommendation.From(r) : extras?.Recommendation,
        });

    public static ReportDocument Build(StudyResult study, StudySamples samples, StudyReportExtras? extras = null)
    {
        extras ??= new StudyReportExtras();
        var spec = study.Plan.Spec;
        var options = spec.EdgeOptions();
        var sections = new List<ReportSection> { Summary(study) };
        sections.Add(new ReportSection("baseline", "Baseline (no limit)", Baseline(study, samples)));
        if (study.Edge is { } edge)
        {
            sections.Add(new ReportSection("edge", "Survival and healthy edges", EdgeReportSection.Blocks(edge, StudyPhases.Edge, "edge search", samples, options)));
        }
        if (study.Matrix is { } matrix)
        {
            var baselineFigures = new TrialLoadBaseline(study.Baseline.Load?.RequestsPerSecond, study.Baseline.Load?.P99Latency, BaselineGroup(study));
            sections.Add(new ReportSection("matrix", "Limits x knob sets", MatrixReportSection.Blocks(matrix, baselineFigures, options)));
        }
        if (study.Floor is { } floor)
        {
            sections.Add(new ReportSection("floor", "Floor with the runtime's knob", FloorReportSection.Blocks(floor, samples, options)));
        }
        sections.Add(new ReportSection("recommendation", "Recommendation", Recommendation(extras.Recommendation)));
        return new ReportDocument($"Headroom study: {spec.Name}", Facts(study, extras), sections) { Generated = extras.Generated };
    }

    private static List<ReportFact> Facts(StudyResult study, StudyReportExtras extras)
    {
        var spec = study.Plan.Spec;
        var target = spec.Target.Command is { } command
            ? string.Join(' ', new[] { command }.Concat(spec.Target.Args))
            : spec.Target.Image is { } image ? $"image {image}"
            : study.Baseline.Details.Target is { Length: > 0 } described ? described
            : "the bundled sample";
        var cold = extras.ColdStart ?? (study.Baseline.Details.Runner.Length > 0 ? study.Baseline.Details.ColdStart : null);
        return
        [
            new("study", spec.Name),
            new("target", target),
            new("runtime", spec.Runtime?.ToString().ToLowerInvariant() ?? "not given"),
            new("load", spec.Load),
            new("start", cold switch { true => "cold (target's files evicted from the page cache before each trial)", false => "warm (page cache left as it was)", null => "not recorded" }),
            new("phases", string.Join(", ", study.Plan.Phases)),
            new("trials", string.Create(CultureInfo.InvariantCulture, $"{study.TrialsRun + study.TrialsReplayed} ({study.TrialsRun} run now, {study.TrialsReplayed} from the folder), {ReportFormat.Seconds(study.TrialTime)} of trial time")),
            new("machine", extras.Machine ?? MachineDescription.Current()),
        ];
    }

    private static ReportSection Summary(StudyResult study)
    {
        var blocks = new List<ReportBlock>();
        if (study.Edge is { } edge)
        {
            blocks.Add(new ReportParagraph(
                $"Survival edge {ReportFormat.Limit(edge.SurvivalEdge)}: the least memory at which the service survived the load {study.Plan.Spec.Confirm} times in a row. "
                + $"Healthy edge {(edge.HealthyEdge is { } h ? h.ToKubernetes() : "not found")}: the least at which it also kept "
                + $"{Percentages.Format(study.Plan.Spec.Healthy)} of the unlimited req/s with p99 within {EdgeSearchOptions.DefaultP99Factor.ToString("0.#", CultureInfo.InvariantCulture)}x. Deploy from the healthy edge."));
        }
        if (study.Floor?.Floor is { } floor)
        {
            blocks.Add(new ReportParagraph($"With {study.Floor.Knobs.Describe()} it survived down to {floor.Limit.ToKubernetes()}"
                + (study.Floor.ThroughputRatio is { } r ? $", at {Percentages.Format(r)} of the edge's req/s." : ".")));
        }
        blocks.AddRange(study.Notes.Select(n => new ReportNote(n)));
        if (blocks.Count == 0)
        {
            blocks.Add(new ReportParagraph("Only the baseline was run."));
        }
        return new ReportSection("summary", "Summary", blocks);
    }

    private static List<ReportBlock> Baseline(StudyResult study, StudySamples samples)
    {
        var b = study.Baseline;
        var m = b.Memory;
        var blocks = new List<ReportBlock>
        {
            new ReportTable("The unlimited run",
                ["outcome", "req/s", "avg latency", "p99", "requests ok", "peak charged", "peak anon", "peak file", "runtime Sys", "runtime HeapAlloc"],
                [[
                    b.Outcome.ToKebab(), ReportFormat.Rps(b.Load?.RequestsPerSecond), ReportFormat.Ms(b.Load?.AverageLatency),
                    ReportFormat.Ms(b.Load?.P99Latency), ReportFormat.Requests(b.Load), ReportFormat.Mi(m.PeakChargedBytes), ReportFormat.Mi(m.PeakAnonBytes),
                    ReportFormat.Mi(m.PeakFileBytes), ReportFormat.Mi(m.RuntimeSysBytes), ReportFormat.Mi(m.RuntimeHeapAllocBytes),
                ]],
                new HashSet<int> { 1, 2, 3, 4, 5, 6, 7, 8, 9 }),
            TrialTimelines.Figure(samples, StudyPhases.Baseline, 0, "baseline, no limit", b),
        };
        if (study.Matrix is null)
        {
            blocks.Add(new ReportFigure(KernelVsRuntimeChart.Render([BaselineGroup(study)], "no limit", "kernel-vs-runtime"),
                "What the kernel charged at its peak beside what the runtime reports of itself."));
        }
        return blocks;
    }

    private static KernelVsRuntimeGroup BaselineGroup(StudyResult study)
    {
        var m = study.Baseline.Memory;
        return new KernelVsRuntimeGroup("baseline", m.PeakChargedBytes, m.RuntimeSysBytes, m.RuntimeHeapSysBytes, m.RuntimeHeapAllocBytes);
    }

    private static List<ReportBlock> Recommendation(ReportRecommendation? recommendation)
    {
        if (recommendation is null)
        {
            return [new ReportNote("No recommendation was computed for this study (run 'headroom recommend --from <folder>').")];
        }
        var blocks = new List<ReportBlock>();
        blocks.AddRange(recommendation.Prose.Select(p => new ReportParagraph(p)));
        blocks.AddRange(recommendation.Caveats.Select(c => new ReportNote($"Caveat: {c}")));
        if (recommendation.Yaml is { } yaml)
        {
            blocks.Add(new ReportPreformatted("Kubernetes container settings (YAML)", yaml));
        }
        if (recommendation.Unavailable is { } why)
        {
            blocks.Add(new ReportNote(why));
        }
        return blocks;
    }
}
