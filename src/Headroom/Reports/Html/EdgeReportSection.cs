using Headroom.Experiments;
using Headroom.Limits;
using Headroom.Reports.Charts;

namespace Headroom.Reports.Html;

/// <summary>The blocks of an edge search (the <c>edge</c> phase, and the search inside the floor): what it found, its
/// path, every trial, the throughput between the edges, and memory over time at the edge and just under it.</summary>
internal static class EdgeReportSection
{
    private static readonly HashSet<int> Numeric = [0, 3, 6, 7, 8, 9, 10];

    public static IReadOnlyList<ReportBlock> Blocks(EdgeSearchResult search, string phase, string context, StudySamples samples, EdgeSearchOptions options)
    {
        var blocks = new List<ReportBlock>
        {
            new ReportParagraph(Findings(search)),
            new ReportParagraph($"Predicted edge {(search.Prediction.Edge is { } predicted ? ChartStyle.LimitText(predicted) : "none")}: {search.Prediction.Explanation}."
                + (search.PredictionErrorBytes is { } error ? $" The survival edge was {ReportFormat.Mi(Math.Abs(error))} {(error >= 0 ? "above" : "below")} the prediction." : "")),
        };
        if (search.NoEdgeMessage is { } none)
        {
            blocks.Add(new ReportNote(none));
        }
        if (search.NoHealthyEdgeMessage is { } noHealthy)
        {
            blocks.Add(new ReportNote(noHealthy));
        }
        var path = new EdgePathInput(
            context,
            search.Trials.Select(t => new EdgePathTrial(t.Number, t.Limit, t.Result.Outcome, t.Step)).ToList(),
            search.SurvivalEdge, search.HealthyEdge, search.Prediction.Edge);
        blocks.Add(new ReportFigure(EdgePathChart.Render(path, HtmlText.Slug($"path-{phase}")),
            $"Every trial of the search in order: the limit it tried and how it ended. A limit passes only when {options.Confirm} trials in a row survive; one failure is final for that limit."));
        blocks.Add(TrialTable(search, context));
        if (EdgeTrial.NoteFor(search.Trials) is { } note)
        {
            blocks.Add(new ReportNote(note));
        }
        if (search.ThroughputCurve.Count(p => p.Trials > 0) >= 2)
        {
            var sweep = new LimitSweepInput(context,
                [new LimitSweepSeries(search.Knobs.Describe(), search.ThroughputCurve.Select(p =>
                    new LimitSweepPoint(p.Limit, p.MedianRequestsPerSecond, p.MedianP99Latency, p.Trials, p.Failures)).ToList())],
                search.Baseline.Load?.RequestsPerSecond, search.Baseline.Load?.P99Latency, options.Healthy, options.P99Factor);
            blocks.Add(new ReportFigure(LimitSweepChart.RenderThroughput(sweep, HtmlText.Slug($"curve-{phase}")),
                "Median req/s of the surviving trials at each limit tried. Between the survival edge and the healthy edge the service survives by crawling."));
        }
        foreach (var (trial, why) in Highlights(search))
        {
            blocks.Add(TrialTimelines.Figure(samples, phase, trial.Number - 1,
                $"{context} trial #{trial.Number} at {trial.Limit.ToKubernetes()} ({why})", trial.Result));
        }
        return blocks;
    }

    private static string Findings(EdgeSearchResult search) =>
        $"Knob set {search.Knobs.Describe()}: survival edge {ReportFormat.Limit(search.SurvivalEdge)}"
        + (search.LargestFailing is { } failing ? $" (largest failing limit {failing.ToKubernetes()})" : "")
        + $", healthy edge {(search.HealthyEdge is { } healthy ? healthy.ToKubernetes() : "not found")}"
        + $"; {search.TrialsUsed} trials, {ReportFormat.Seconds(search.TrialTime)} of trial time.";

    private static ReportTable TrialTable(EdgeSearchResult search, string context)
    {
        var rows = search.Trials.Select(t => (IReadOnlyList<string>)
        [
            t.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{t.Search} {t.Step}",
            t.Limit.ToKubernetes(),
            t.MarkedVerdict,
            t.Result.Evidence,
            t.Healthy ? "yes" : "no",
            ReportFormat.Mi(t.Result.Memory.PeakAnonBytes),
            ReportFormat.Mi(t.Result.Memory.PeakFileBytes),
            ReportFormat.Rps(t.Result.Load?.RequestsPerSecond),
            ReportFormat.Ms(t.Result.Load?.P99Latency),
            ReportFormat.Requests(t.Result.Load),
        ]).ToList();
        return new ReportTable($"Trials of the {context}",
            ["#", "step", "limit", "outcome", "evidence", "healthy", "peak anon", "peak file", "req/s", "p99", "requests ok"], rows, Numeric);
    }

    /// <summary>The trials worth a memory chart: the last failure at the largest failing limit, and the first trial at
    /// each edge (survival, healthy).</summary>
    private static List<(EdgeTrial Trial, string Why)> Highlights(EdgeSearchResult search)
    {
        var chosen = new List<(EdgeTrial Trial, string Why)>();
        void Add(MemoryQuantity? limit, Func<EdgeTrial, bool> which, string why, bool last = false)
        {
            if (limit is not { } l)
            {
                return;
            }
            var at = search.Trials.Where(t => t.Limit == l && which(t));
            var trial = last ? at.LastOrDefault() : at.FirstOrDefault();
            if (trial is not null && chosen.All(c => c.Trial != trial))
            {
                chosen.Add((trial, why));
            }
        }
        Add(search.LargestFailing, t => !t.Result.Survived, "largest failing limit", last: true);
        Add(search.SurvivalEdge, t => t.Result.Survived, "survival edge");
        Add(search.HealthyEdge, t => t.Result.Survived, "healthy edge");
        return chosen;
    }
}
