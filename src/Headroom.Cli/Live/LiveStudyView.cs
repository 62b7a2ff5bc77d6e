using System.Globalization;
using Headroom.Experiments;
using Headroom.Memory;
using Headroom.Trials;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Headroom.Cli.Live;

/// <summary>
/// What a study shows on a terminal while it runs: the current trial (limit, knob set, phase: starting, ready,
/// load n of N, stopping), its charged memory as a bar against the limit, req/s so far and major faults, trials done
/// of planned with the ETA, and the finished trials' table under it. Fed from three places (the trial's start and
/// end, its memory samples, the study's progress), each on its own thread; <see cref="Render"/> draws a snapshot.
/// </summary>
internal sealed class LiveStudyView(long? plannedRequests) : IProgress<StudyProgress>
{
    private const int BarWidth = 32;
    private const int TableRows = 12;
    private readonly Lock _lock = new();
    private readonly List<TrialResult> _finished = [];
    private TrialRequest? _current;
    private MemorySample? _first;
    private MemorySample? _latest;
    private long? _loadStartedMs;
    private StudyProgress? _progress;

    public void TrialStarted(TrialRequest request)
    {
        lock (_lock)
        {
            _current = request;
            _first = null;
            _latest = null;
            _loadStartedMs = null;
        }
    }

    public void TrialFinished(TrialResult result)
    {
        lock (_lock)
        {
            _finished.Add(result);
            _current = null;
        }
    }

    /// <summary>A memory sample of the current trial (from the sampler's thread; must not throw).</summary>
    public void OnSample(MemorySample sample)
    {
        lock (_lock)
        {
            _first ??= sample;
            if (sample.Phase == "load" && _loadStartedMs is null)
            {
                _loadStartedMs = sample.ElapsedMilliseconds;
            }
            _latest = sample;
        }
    }

    public void Report(StudyProgress value)
    {
        lock (_lock)
        {
            _progress = value;
        }
    }

    public IRenderable Render()
    {
        lock (_lock)
        {
            var rows = new List<IRenderable> { new Markup(Header()) };
            if (_current is { } request)
            {
                rows.Add(new Markup(TrialLine(request)));
                rows.Add(new Markup(MemoryBar(request)));
                rows.Add(new Markup(LoadLine()));
            }
            if (_finished.Count > 0)
            {
                rows.Add(FinishedTable());
            }
            return new Rows(rows);
        }
    }

    private string Header()
    {
        var done = _progress?.Trial ?? 0;
        var planned = _progress is { } p ? $"~{p.EstimatedTotal}" : "?";
        var phase = _progress?.Phase ?? StudyPhases.Baseline;
        var eta = _progress?.Eta is { } e ? $"ETA {e:hh\\:mm\\:ss}" : "ETA after the first trial";
        return Markup.Escape($"{phase}: {done} of {planned} trials done, {eta}");
    }

    private string TrialLine(TrialRequest request)
    {
        var limit = request.Limit?.ToString() ?? "unlimited";
        return $"[bold]trial {(_progress?.Trial ?? 0) + 1}[/]: limit [bold]{Markup.Escape(limit)}[/], knobs {Markup.Escape(request.Limit is { } at ? request.Knobs.Describe(at) : request.Knobs.Describe())}, [yellow]{Markup.Escape(PhaseText())}[/]";
    }

    private string PhaseText() => _latest?.Phase switch
    {
        null or "start" => "starting",
        "ready" => "ready",
        "load" when _latest.CompletedRequests is { } n && plannedRequests is { } total => string.Create(CultureInfo.InvariantCulture, $"load {n:N0} of {total:N0}"),
        "load" when _latest.CompletedRequests is { } n => string.Create(CultureInfo.InvariantCulture, $"load {n:N0}"),
        "load" => "load",
        "after" => "load done",
        "stop" => "stopping",
        var other => other,
    };

    private string MemoryBar(TrialRequest request)
    {
        var charged = _latest?.UsageBytes;
        var figure = charged is { } c ? Mib(c) : "-";
        if (request.Limit is not { } limit)
        {
            return $"charged {figure} (no limit)";
        }
        var share = charged is { } used ? Math.Clamp((double)used / limit.Bytes, 0, 1) : 0;
        var filled = (int)Math.Round(share * BarWidth);
        var colour = share >= 0.95 ? "red" : share >= 0.8 ? "yellow" : "green";
        return string.Create(CultureInfo.InvariantCulture,
            $"charged [{colour}]{new string('█', filled)}[/][grey]{new string('░', BarWidth - filled)}[/] {figure} of {limit} ({share:P0})");
    }

    private string LoadLine()
    {
        var parts = new List<string>();
        if (_latest is { CompletedRequests: { } completed } && _loadStartedMs is { } started && _latest.ElapsedMilliseconds > started)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{completed * 1000.0 / (_latest.ElapsedMilliseconds - started):N0} req/s so far"));
        }
        else
        {
            parts.Add("req/s: load not started");
        }
        if (_latest?.MajorFaults is { } faults)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"major faults +{faults - (_first?.MajorFaults ?? faults):N0}"));
        }
        return Markup.Escape(string.Join(", ", parts));
    }

    private Table FinishedTable()
    {
        var table = new Table().Border(TableBorder.Rounded).Title("finished trials");
        foreach (var column in new[] { "#", "limit", "knobs", "outcome", "peak charged", "req/s", "p99" })
        {
            table.AddColumn(column);
        }
        var first = Math.Max(0, _finished.Count - TableRows);
        for (var i = first; i < _finished.Count; i++)
        {
            var t = _finished[i];
            var outcome = t.Survived ? $"[green]{t.Outcome.ToKebab()}[/]" : $"[red]{t.Outcome.ToKebab()}[/]";
            table.AddRow(
                (i + 1).ToString(CultureInfo.InvariantCulture),
                Markup.Escape(t.Request.Limit?.ToString() ?? "unlimited"),
                Markup.Escape(t.Request.Knobs.Name),
                outcome,
                t.Memory.PeakChargedBytes is { } peak ? Mib(peak) : "-",
                t.Load is { } load ? load.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture) : "-",
                t.Load is { } l ? string.Create(CultureInfo.InvariantCulture, $"{l.P99Latency.TotalMilliseconds:0.0} ms") : "-");
        }
        return table;
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");
}
