using System.Diagnostics;
using HdrHistogram;

namespace Headroom.Load;

/// <summary>Merges the shards of a finished run into its <see cref="LoadReport"/>.</summary>
internal static class LoadReportBuilder
{
    /// <summary>hey's percentiles, plus 99.9.</summary>
    public static readonly double[] ReportedPercentiles = [10, 25, 50, 75, 90, 95, 99, 99.9];

    public static LoadReport Build(LoadRun run, IReadOnlyList<LoadTally> tallies)
    {
        var latency = LatencyHistograms.Create();
        var uncorrected = run.Schedule.HasFixedRate ? LatencyHistograms.Create() : null;
        var statusCounts = new long[1000];
        var errorCounts = new long[Enum.GetValues<LoadErrorKind>().Length];
        PhaseAccumulator total = default, dial = default, write = default, wait = default, read = default;
        long responses = 0, errors = 0, bytes = 0, warmup = 0, lastEnd = 0;
        List<RequestSample>? samples = run.Options.KeepRequestSamples ? [] : null;
        foreach (var tally in tallies)
        {
            latency.Add(tally.Latency);
            if (tally.Uncorrected is not null)
            {
                uncorrected?.Add(tally.Uncorrected);
            }
            for (var i = 0; i < statusCounts.Length; i++)
            {
                statusCounts[i] += tally.StatusCounts[i];
            }
            for (var i = 0; i < errorCounts.Length; i++)
            {
                errorCounts[i] += tally.ErrorCounts[i];
            }
            total.Merge(tally.Total);
            dial.Merge(tally.Dial);
            write.Merge(tally.Write);
            wait.Merge(tally.Wait);
            read.Merge(tally.Read);
            responses += tally.Responses;
            errors += tally.Errors;
            bytes += tally.Bytes;
            warmup += tally.WarmupRequests;
            lastEnd = Math.Max(lastEnd, tally.LastEnd);
            samples?.AddRange(tally.Samples ?? []);
        }
        var measureStart = run.Schedule.MeasureStart;
        var end = lastEnd > measureStart ? lastEnd : Stopwatch.GetTimestamp();
        var totalSeconds = measureStart > 0 ? LoadTally.Seconds(end - measureStart) : 0;
        var requests = responses + errors;
        var fastest = Seconds(total.Min);
        var slowest = Seconds(total.Max);
        var report = new LoadReport
        {
            Url = run.Options.Url.ToString(),
            Method = run.Options.Method,
            Concurrency = run.Options.Concurrency,
            TargetRate = run.Options.TotalRate,
            CoordinatedOmissionCorrected = run.Schedule.HasFixedRate,
            TotalSeconds = totalSeconds,
            Requests = requests,
            Responses = responses,
            ErrorCount = errors,
            WarmupRequests = warmup,
            SlowestSeconds = slowest,
            FastestSeconds = fastest,
            AverageSeconds = Average(total),
            RequestsPerSecond = totalSeconds > 0 ? requests / totalSeconds : 0,
            TotalDataBytes = bytes,
            SizePerRequestBytes = responses > 0 ? bytes / responses : 0,
            Percentiles = Percentiles(latency),
            UncorrectedPercentiles = uncorrected is null ? null : Percentiles(uncorrected),
            Histogram = Buckets(latency, fastest, slowest),
            Details = new LoadPhaseDetails(
                Phase(dial), new PhaseTiming(0, 0, 0), Phase(write), Phase(wait), Phase(read)),
            StatusCodes = [.. statusCounts.Select((count, code) => new StatusCodeCount(code, count)).Where(s => s.Count > 0)],
            Errors = [.. errorCounts.Select((count, kind) => new ErrorCount((LoadErrorKind)kind, count, LoadErrorKinds.Describe((LoadErrorKind)kind)))
                .Where(e => e.Count > 0).OrderByDescending(e => e.Count)],
            LatencyHistogram = LatencyHistograms.Encode(latency),
            Samples = samples?.OrderBy(s => s.Offset).ToList(),
        };
        var expect = run.Options.Expect;
        return report with
        {
            Expected = expect.Text,
            Succeeded = report.StatusCodes.Where(s => expect.IsExpected(s.Code)).Sum(s => s.Count),
            Failures = LoadFailure.Of(report, expect),
        };
    }

    private static List<LatencyPercentile> Percentiles(HistogramBase histogram) =>
        [.. ReportedPercentiles.Select(p => new LatencyPercentile(
            p, histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(p) / 1e6))];

    /// <summary>hey's histogram: ten equal steps from fastest to slowest plus the slowest, each counting the responses up to it.</summary>
    private static List<HistogramBucket> Buckets(HistogramBase histogram, double fastest, double slowest)
    {
        if (histogram.TotalCount == 0)
        {
            return [];
        }
        const int steps = 10;
        var marks = new double[steps + 1];
        var step = (slowest - fastest) / steps;
        for (var i = 0; i < steps; i++)
        {
            marks[i] = fastest + step * i;
        }
        marks[steps] = slowest;
        var counts = new long[steps + 1];
        foreach (var value in histogram.RecordedValues())
        {
            var seconds = histogram.MedianEquivalentValue(value.ValueIteratedTo) / 1e6;
            var index = Array.FindIndex(marks, m => seconds <= m);
            counts[index < 0 ? steps : index] += value.CountAtValueIteratedTo;
        }
        return [.. marks.Select((mark, i) => new HistogramBucket(mark, counts[i]))];
    }

    private static PhaseTiming Phase(in PhaseAccumulator phase) =>
        new(Average(phase), Seconds(phase.Min), Seconds(phase.Max));

    private static double Average(in PhaseAccumulator phase) => phase.Count == 0 ? 0 : Seconds(phase.Sum) / phase.Count;

    private static double Seconds(long ticks) => LoadTally.Seconds(ticks);
}
