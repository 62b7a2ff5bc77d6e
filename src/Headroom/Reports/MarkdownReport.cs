using System.Globalization;
using System.Text;
using Headroom.Experiments;
using Headroom.Trials;
using static Headroom.Reports.ReportFormat;

namespace Headroom.Reports;

/// <summary>Renders <c>report.md</c>: the edge search's trials, the Listing-10-style matrix with intervals, the
/// floor, and the recommendation with its YAML.</summary>
public static class MarkdownReport
{
    public const string FileName = "report.md";

    public static string Render(StudyReport report)
    {
        var study = report.Study;
        var md = new StringBuilder();
        Line(md, $"# Headroom study: {study.Plan.Name}");
        Line(md, "");
        Line(md, $"Spec {study.Plan.SpecHash}; {study.TrialsRun + study.TrialsReplayed} trials ({study.TrialsRun} run now, {study.TrialsReplayed} replayed from results.jsonl), {Seconds(study.TrialTime)} of trials.");
        Line(md, "");
        Baseline(md, study.Baseline);
        if (study.Edge is { } edge)
        {
            Edge(md, "Edge search", edge);
        }
        if (study.Matrix is { } matrix)
        {
            MatrixTables.Render(md, matrix);
        }
        if (study.Floor is { } floor)
        {
            Floor(md, floor);
        }
        if (report.Recommendation is { } recommendation)
        {
            Recommendation(md, recommendation);
        }
        Bullets(md, "## Notes", study.Notes);
        return md.ToString();
    }

    private static void Baseline(StringBuilder md, TrialResult baseline)
    {
        var m = baseline.Memory;
        Line(md, "## Baseline (no limit)");
        Line(md, "");
        Line(md, $"{baseline.Outcome.ToKebab()}: {Rps(baseline.Load?.RequestsPerSecond)} req/s, p99 {Ms(baseline.Load?.P99Latency)}, requests ok {Requests(baseline.Load)}; peak charged {Mi(m.PeakChargedBytes)} (anon {Mi(m.PeakAnonBytes)}, file {Mi(m.PeakFileBytes)}); runtime Sys {Mi(m.RuntimeSysBytes)}, heap {Mi(m.RuntimeHeapSysBytes)}, heap in use {Mi(m.RuntimeHeapAllocBytes)}.");
        Line(md, "");
    }

    internal static void Edge(StringBuilder md, string title, EdgeSearchResult edge, bool showHealthy = true)
    {
        Line(md, $"## {title}{(edge.Knobs.Environment.Count > 0 ? $" with {edge.Knobs.Describe()}" : "")}");
        Line(md, "");
        if (edge.NoEdgeMessage is { } none)
        {
            Line(md, $"**{none}**");
            Line(md, "");
        }
        else
        {
            Line(md, $"- survival edge: **{edge.SurvivalEdge}** (largest failing limit {edge.LargestFailing?.ToString() ?? "none"})");
            if (showHealthy)
            {
                Line(md, $"- healthy edge: **{edge.HealthyEdge?.ToString() ?? "none"}**{(edge.NoHealthyEdgeMessage is { } nh ? $" — {nh}" : "")}");
            }
        }
        var error = edge.PredictionErrorBytes is { } e ? $", off by {(e >= 0 ? "+" : "-")}{Mi(Math.Abs(e))}" : "";
        Line(md, $"- predicted edge: {Mi(edge.Prediction.Edge?.Bytes)} from {edge.Prediction.Explanation}{error}");
        Line(md, $"- {edge.TrialsUsed} trials, {Seconds(edge.TrialTime)}");
        Line(md, "");
        Line(md, "| # | search | step | limit | outcome | anon | file | req/s | p99 | requests ok | healthy | evidence |");
        Line(md, "| ---: | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var t in edge.Trials)
        {
            var r = t.Result;
            Line(md, $"| {t.Number} | {t.Search} | {t.Step} | {t.Limit} | {(showHealthy ? t.MarkedVerdict : t.Verdict)} | {Mi(r.Memory.PeakAnonBytes)} | {Mi(r.Memory.PeakFileBytes)} | {Rps(r.Load?.RequestsPerSecond)} | {Ms(r.Load?.P99Latency)} | {Requests(r.Load)} | {(t.Healthy ? "yes" : "no")} | {Cell(r.Evidence)} |");
        }
        Line(md, "");
        if (showHealthy && EdgeTrial.NoteFor(edge.Trials) is { } note)
        {
            Line(md, note);
            Line(md, "");
        }
        if (edge.SurvivalEdge is { } s)
        {
            var upTo = edge.HealthyEdge ?? (edge.ThroughputCurve.Count > 0 ? edge.ThroughputCurve[^1].Limit : s);
            Line(md, showHealthy ? "Throughput between the edges:" : "Throughput from the edge up:");
            Line(md, "");
            Line(md, "| limit | trials | failed | median req/s | median p99 | healthy |");
            Line(md, "| ---: | ---: | ---: | ---: | ---: | --- |");
            foreach (var p in edge.ThroughputCurve.Where(p => p.Limit >= s && p.Limit <= upTo))
            {
                Line(md, $"| {p.Limit} | {p.Trials} | {p.Failures} | {Rps(p.MedianRequestsPerSecond)} | {Ms(p.MedianP99Latency)} | {(p.Healthy ? "yes" : "no")} |");
            }
            Line(md, "");
        }
    }

    private static void Floor(StringBuilder md, FloorResult floor)
    {
        Edge(md, "Floor", floor.Search, showHealthy: false);
        if (floor.Floor is { } f && floor.NoKnobEdge is { } e)
        {
            Line(md, "| | limit | req/s | average | p99 |");
            Line(md, "| --- | ---: | ---: | ---: | ---: |");
            Line(md, $"| floor with {floor.Knobs.Name} | {f.Limit} | {Rps(f.RequestsPerSecond)} | {Ms(f.AverageLatency)} | {Ms(f.P99Latency)} |");
            Line(md, $"| survival edge, no knobs | {e.Limit} | {Rps(e.RequestsPerSecond)} | {Ms(e.AverageLatency)} | {Ms(e.P99Latency)} |");
            Line(md, "");
            if (floor.ThroughputRatio is { } ratio)
            {
                Line(md, $"At its floor it runs at {ratio.ToString("P1", CultureInfo.InvariantCulture)} of the no-knob edge's throughput.");
                Line(md, "");
            }
        }
    }

    private static void Recommendation(StringBuilder md, Recommendation recommendation)
    {
        Line(md, "## Recommendation");
        Line(md, "");
        foreach (var paragraph in recommendation.Prose)
        {
            Line(md, $"- {paragraph}");
        }
        Line(md, "");
        Bullets(md, "Caveats:", recommendation.Caveats);
        if (recommendation.ContainerYaml is { } yaml)
        {
            Line(md, "```yaml");
            md.Append(yaml.TrimEnd('\n')).Append('\n');
            Line(md, "```");
            Line(md, "");
        }
    }

    internal static void Line(StringBuilder md, string text) => md.Append(text).Append('\n');

    /// <summary>A heading, a blank line, an item a line and a blank line; nothing when there are no items.</summary>
    private static void Bullets(StringBuilder md, string heading, IReadOnlyCollection<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }
        Line(md, heading);
        Line(md, "");
        foreach (var item in items)
        {
            Line(md, $"- {item}");
        }
        Line(md, "");
    }
}
