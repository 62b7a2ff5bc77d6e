using Headroom.Experiments;
using Headroom.Reports;
using Headroom.Trials;
using Spectre.Console;
using static Headroom.Reports.ReportFormat;

namespace Headroom.Cli.Commands;

/// <summary>The terminal's view of a study: the same tables as report.md, drawn with Spectre.Console.</summary>
internal static class StudyTables
{
    /// <summary>
    /// Draws the study; <c>after</c> names the steps run after its trials (curve, verification) and how long they took,
    /// so the closing line's wall time is the whole command's.
    /// </summary>
    public static void Render(IAnsiConsole console, StudyReport report, bool showRecommendation, (string Steps, TimeSpan Time)? after = null)
    {
        var study = report.Study;
        var b = study.Baseline;
        console.MarkupLineInterpolated($"[bold]Baseline (no limit)[/]: {b.Outcome.ToKebab()}, {Rps(b.Load?.RequestsPerSecond)} req/s, p99 {Ms(b.Load?.P99Latency)}, requests ok {Requests(b.Load)}, peak charged {Mi(b.Memory.PeakChargedBytes)} (anon {Mi(b.Memory.PeakAnonBytes)}, file {Mi(b.Memory.PeakFileBytes)})");
        if (study.Edge is { } edge)
        {
            Edge(console, "Edge search", edge, showHealthy: true);
        }
        if (study.Matrix is { } matrix)
        {
            Matrix(console, matrix);
        }
        if (study.Floor is { } floor)
        {
            Edge(console, $"Floor with {floor.Knobs.Describe()}", floor.Search, showHealthy: false);
            if (floor.Floor is { } f && floor.NoKnobEdge is { } e)
            {
                console.MarkupLineInterpolated($"floor {f.Limit}: {Rps(f.RequestsPerSecond)} req/s, p99 {Ms(f.P99Latency)}  vs  no-knob edge {e.Limit}: {Rps(e.RequestsPerSecond)} req/s, p99 {Ms(e.P99Latency)}");
            }
        }
        foreach (var note in study.Notes)
        {
            console.MarkupLineInterpolated($"[yellow]{note}[/]");
        }
        if (showRecommendation && report.Recommendation is { } r)
        {
            Recommendation(console, r);
        }
        console.MarkupLineInterpolated($"{study.TrialsRun + study.TrialsReplayed} trials ({study.TrialsRun} run, {study.TrialsReplayed} replayed), {Seconds(study.TrialTime)} of trials, {Seconds(study.Elapsed)} wall time{(after is { } a ? $" + {Seconds(a.Time)} of {a.Steps} = {Seconds(study.Elapsed + a.Time)}" : "")}");
    }

    private static void Edge(IAnsiConsole console, string title, EdgeSearchResult edge, bool showHealthy)
    {
        var table = new Table().Title(title).Border(TableBorder.Rounded);
        foreach (var column in new[] { "#", "search", "step", "limit", "outcome", "anon", "file", "req/s", "p99", "requests ok", "evidence" })
        {
            table.AddColumn(column);
        }
        foreach (var t in edge.Trials)
        {
            var r = t.Result;
            var outcome = $"[{(r.Survived ? t.Healthy ? "green" : "yellow" : "red")}]{Markup.Escape(showHealthy ? t.MarkedVerdict : t.Verdict)}[/]";
            table.AddRow(
                new Text(t.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Text(t.Search), new Text(t.Step),
                new Text(t.Limit.ToString()), new Markup(outcome), new Text(Mi(r.Memory.PeakAnonBytes)), new Text(Mi(r.Memory.PeakFileBytes)),
                new Text(Rps(r.Load?.RequestsPerSecond)), new Text(Ms(r.Load?.P99Latency)), new Text(Requests(r.Load)), new Text(r.Evidence));
        }
        console.Write(table);
        if (showHealthy && EdgeTrial.NoteFor(edge.Trials) is { } note)
        {
            console.WriteLine(note);
        }
        if (edge.NoEdgeMessage is { } none)
        {
            console.MarkupLineInterpolated($"[red]{none}[/]");
        }
        else
        {
            console.MarkupLineInterpolated($"survival edge [bold]{edge.SurvivalEdge}[/] (largest failing {edge.LargestFailing?.ToString() ?? "none"})");
            if (showHealthy)
            {
                var why = edge.NoHealthyEdgeMessage is { } message ? " " + message : "";
                console.MarkupLineInterpolated($"healthy edge [bold]{edge.HealthyEdge?.ToString() ?? "none"}[/]{why}");
            }
        }
        var off = edge.PredictionErrorBytes is { } e ? $", off by {(e >= 0 ? "+" : "-")}{Mi(Math.Abs(e))}" : "";
        var rounds = edge.Rounds < edge.TrialsUsed ? $" in {edge.Rounds} rounds" : "";
        console.MarkupLineInterpolated($"predicted {Mi(edge.Prediction.Edge?.Bytes)}{off}; {edge.TrialsUsed} trials{rounds}, {Seconds(edge.TrialTime)}");
    }

    private static void Matrix(IAnsiConsole console, MatrixResult matrix)
    {
        var table = new Table().Title($"Matrix ({matrix.Repeats} interleaved rounds)").Border(TableBorder.Rounded);
        foreach (var column in new[] { "limit", "knobs", "median req/s", "spread", "average", "p99", "GCs", "OOM / failed", "requests ok" })
        {
            table.AddColumn(column);
        }
        foreach (var c in matrix.Cells)
        {
            var spread = c.MinRequestsPerSecond is { } min && c.MaxRequestsPerSecond is { } max ? $"{Rps(min)}-{Rps(max)}" : "-";
            table.AddRow($"{c.Limit.Limit} ({c.Limit.Label})", c.Knobs.Name, Rps(c.MedianRequestsPerSecond), spread,
                Ms(c.MedianAverageLatency), Ms(c.MedianP99Latency), Count(c.MedianGcCount), $"{c.OomKills} / {c.OtherFailures} of {c.Trials}", Requests(c.Succeeded, c.Requests));
        }
        console.Write(table);
        foreach (var r in matrix.Ratios)
        {
            var text = r.Interval is { } i
                ? $"{Ratio(i.Estimate)} (95 % CI {Ratio(i.Low)}-{Ratio(i.High)}){(i.WithinNoise ? ", within noise" : "")}"
                : "too few paired rounds";
            console.MarkupLineInterpolated($"{r.Limit.Limit}: {r.Knobs.Name}/{r.Versus.Name} req/s {text}");
        }
    }

    public static void Recommendation(IAnsiConsole console, Recommendation r)
    {
        console.Write(new Rule("Recommendation"));
        foreach (var line in r.Prose)
        {
            console.WriteLine("- " + line);
        }
        foreach (var caveat in r.Caveats)
        {
            console.MarkupLineInterpolated($"[yellow]! {caveat}[/]");
        }
        if (r.ContainerYaml is { } yaml)
        {
            console.WriteLine();
            console.WriteLine(yaml.TrimEnd());
        }
    }
}
