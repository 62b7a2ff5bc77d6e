using System.Globalization;
using Headroom.Experiments;
using Headroom.Limits;
using Headroom.Memory;
using Headroom.Trials;

namespace Headroom.Soak;

/// <summary>
/// Reads a soak's samples: the load window after its warm-up, folded into slices, fitted with <see cref="TheilSen"/>
/// for charged memory, anonymous memory and the post-GC heap, and the verdict from the charge's trend (see
/// <see cref="SoakResult.Deciding"/>) projected from its fitted level at the end to the limit.
/// </summary>
public static class SoakAnalysis
{
    public static SoakResult Analyze(TrialResult trial, SoakOptions options)
    {
        var limit = trial.Request.Limit;
        var load = trial.Details.Samples.Where(s => s.Phase == "load").ToList();
        // What follows a kill (the charge falling to nothing) is not the trend that led to it.
        if (load.Count > 0 && load[0].OomKills is { } kills)
        {
            load = load.TakeWhile(s => s.OomKills is null || s.OomKills == kills).ToList();
        }
        if (load.Count == 0)
        {
            var none = trial.Survived
                ? new SoakVerdict(SoakVerdictKind.Unknown, "unknown: no samples were taken during the load")
                : Died(trial, 0, null);
            return new SoakResult(trial, options, limit, null, null, null, 0, 0, none);
        }
        var start = load[0].ElapsedMilliseconds / 1000.0;
        var loadSeconds = load[^1].ElapsedMilliseconds / 1000.0 - start;
        var warmup = loadSeconds * SoakOptions.WarmupShare;
        var fitted = load.Where(s => s.ElapsedMilliseconds / 1000.0 - start >= warmup).ToList();
        double X(MemorySample s) => s.ElapsedMilliseconds / 1000.0 - start;

        var charged = Trend("charged", fitted, X, s => s.UsageBytes, warmup, loadSeconds);
        var anon = Trend("anon", fitted, X, s => s.AnonBytes, warmup, loadSeconds);
        var heap = Trend("post-GC heap", PostGc(fitted), X, s => (s.Runtime ?? s.Counters)?.HeapAllocBytes, warmup, loadSeconds);
        var deciding = charged ?? anon;
        var verdict = !trial.Survived ? Died(trial, loadSeconds, deciding)
            : deciding is null ? new SoakVerdict(SoakVerdictKind.Unknown, "unknown: too few samples after the warm-up to fit a trend")
            : Judge(deciding, limit, loadSeconds);
        if (verdict.Kind == SoakVerdictKind.Stable && anon is not null && deciding != anon
            && anon.Fit.Low > 0 && anon.HighMebibytesPerHour >= SoakOptions.StableBelowMebibytesPerHour)
        {
            verdict = verdict with { Text = $"{verdict.Text}; anon alone grows {anon.Describe()}: soak longer to tell a warm-up from a leak" };
        }
        return new SoakResult(trial, options, limit, charged, anon, heap, loadSeconds, warmup, verdict);
    }

    private static SoakVerdict Judge(SoakTrend deciding, MemoryQuantity? limit, double loadSeconds)
    {
        var fit = deciding.Fit;
        var rate = deciding.Describe();
        if (fit.High < 0)
        {
            return new SoakVerdict(SoakVerdictKind.Stable, $"stable: {deciding.Name} falling {rate}, the 95 % interval wholly below 0");
        }
        if (fit.Low <= 0)
        {
            return new SoakVerdict(SoakVerdictKind.Stable, $"stable: {deciding.Name} {rate}, the 95 % interval includes 0");
        }
        if (deciding.HighMebibytesPerHour < SoakOptions.StableBelowMebibytesPerHour)
        {
            return new SoakVerdict(SoakVerdictKind.Stable,
                $"stable: {deciding.Name} {rate}, below {SoakOptions.StableBelowMebibytesPerHour.ToString(CultureInfo.InvariantCulture)} MiB/h");
        }
        var growing = $"growing {rate}";
        if (limit is not { } l)
        {
            return new SoakVerdict(SoakVerdictKind.Growing, $"{growing} ({deciding.Name}); no limit to reach");
        }
        var level = deciding.Fit.At(loadSeconds);
        var left = l.Bytes - level;
        if (left <= 0)
        {
            return new SoakVerdict(SoakVerdictKind.Growing, $"{growing} ({deciding.Name}): at the {l.ToKubernetes()} limit already")
            {
                LimitReachedAtSeconds = loadSeconds,
                TimeToLimit = TimeSpan.Zero,
                LatestTimeToLimit = TimeSpan.Zero,
            };
        }
        var seconds = left / fit.Slope;
        var range = $"{About(left / fit.High)}–{About(left / fit.Low)}";
        return new SoakVerdict(SoakVerdictKind.Growing,
            $"{growing} ({deciding.Name}): reaches the {l.ToKubernetes()} limit in about {About(seconds)} ({range})")
        {
            LimitReachedAtSeconds = loadSeconds + seconds,
            TimeToLimit = TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 2)),
            LatestTimeToLimit = TimeSpan.FromSeconds(Math.Min(left / fit.Low, TimeSpan.MaxValue.TotalSeconds / 2)),
        };
    }

    private static SoakVerdict Died(TrialResult trial, double loadSeconds, SoakTrend? trend)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{trial.Outcome.ToKebab()} after {About(loadSeconds)} of load ({trial.Evidence})");
        if (trend is not null)
        {
            text += $"; {trend.Name} before it {trend.Describe()}";
        }
        return new SoakVerdict(SoakVerdictKind.Died, text) { LimitReachedAtSeconds = loadSeconds };
    }

    /// <summary>The fewest slices a trend needs; fewer and the interval says nothing.</summary>
    private const int MinimumPoints = 5;

    private static SoakTrend? Trend(
        string name, IReadOnlyList<MemorySample> samples, Func<MemorySample, double> x, Func<MemorySample, long?> y, double from, double to)
    {
        var values = samples.Where(s => y(s) is not null).Select(s => (X: x(s), Y: (double)y(s)!.Value)).ToList();
        var points = Slices(values, from, to);
        return points.Count >= MinimumPoints && TheilSen.Fit(points) is { } fit ? new SoakTrend(name, fit, points) : null;
    }

    /// <summary>The median time and value of each of <see cref="SoakOptions.Points"/> equal slices of [from, to].</summary>
    private static List<(double X, double Y)> Slices(List<(double X, double Y)> values, double from, double to)
    {
        var width = Math.Max(to - from, 1e-9) / SoakOptions.Points;
        return values
            .GroupBy(v => Math.Min(SoakOptions.Points - 1, (int)Math.Floor((v.X - from) / width)))
            .OrderBy(g => g.Key)
            .Select(g => (Medians.Median(g.Select(v => v.X)), Medians.Median(g.Select(v => v.Y))))
            .ToList();
    }

    /// <summary>
    /// The heap's low point after each collection: of the samples between two changes of the GC count, the one with
    /// the least heap. A heap that only rises at these points is the classic leak: garbage is freed, live objects are not.
    /// </summary>
    private static List<MemorySample> PostGc(IReadOnlyList<MemorySample> samples) =>
        samples
            .Where(s => (s.Runtime ?? s.Counters) is { GcCount: > 0, HeapAllocBytes: not null })
            .GroupBy(s => (s.Runtime ?? s.Counters)!.GcCount!.Value)
            .Select(g => g.MinBy(s => (s.Runtime ?? s.Counters)!.HeapAllocBytes!.Value)!)
            .ToList();

    /// <summary><c>14 s</c>, <c>35 min</c>, <c>6 h</c>, <c>3 days</c>.</summary>
    public static string About(double seconds) => seconds switch
    {
        double.PositiveInfinity or > 3650 * 86400.0 => "more than 10 years",
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min"),
        < 172800 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.#} h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 86400:0.#} days"),
    };
}
