using System.Text.Json.Serialization;
using HdrHistogram;

namespace Headroom.Load;

/// <summary>
/// Every figure of one load run: hey's summary, histogram, percentiles, phase details, status and error
/// distributions, plus the latency HdrHistogram itself (for merging runs and any other percentile). Latencies are of
/// requests that got a response (any status); errors are counted, not timed, as hey does. With a fixed arrival rate
/// (<see cref="LoadOptions.TotalRate"/>) latencies run from each request's due time (coordinated omission corrected)
/// and <see cref="UncorrectedPercentiles"/> keeps the ones measured from the actual send.
/// </summary>
public sealed record LoadReport
{
    /// <summary>The URL loaded.</summary>
    public required string Url { get; init; }

    /// <summary>The HTTP method sent.</summary>
    public required string Method { get; init; }

    /// <summary>Workers (connections) used.</summary>
    public required int Concurrency { get; init; }

    /// <summary>Fixed total arrival rate in requests per second, 0 when none.</summary>
    public double TargetRate { get; init; }

    /// <summary>True when latencies are measured from due times (a fixed arrival rate).</summary>
    public bool CoordinatedOmissionCorrected { get; init; }

    /// <summary>Wall time from the first measured request to the last completion, in seconds.</summary>
    public required double TotalSeconds { get; init; }

    /// <summary>Measured requests that ended, with a response or an error.</summary>
    public required long Requests { get; init; }

    /// <summary>Requests that got a complete response (any status).</summary>
    public required long Responses { get; init; }

    /// <summary>Requests that ended in an error (see <see cref="Errors"/>).</summary>
    public required long ErrorCount { get; init; }

    /// <summary>Warm-up requests sent before the measured ones, not counted anywhere else.</summary>
    public long WarmupRequests { get; init; }

    /// <summary>Slowest response, seconds.</summary>
    public required double SlowestSeconds { get; init; }

    /// <summary>Fastest response, seconds.</summary>
    public required double FastestSeconds { get; init; }

    /// <summary>Mean response time, seconds.</summary>
    public required double AverageSeconds { get; init; }

    /// <summary>Requests (responses and errors, as hey) per second of <see cref="TotalSeconds"/>.</summary>
    public required double RequestsPerSecond { get; init; }

    /// <summary>Body bytes received in all responses.</summary>
    public required long TotalDataBytes { get; init; }

    /// <summary>Body bytes per response.</summary>
    public required long SizePerRequestBytes { get; init; }

    /// <summary>10, 25, 50, 75, 90, 95, 99 and 99.9 % latencies.</summary>
    public required IReadOnlyList<LatencyPercentile> Percentiles { get; init; }

    /// <summary>The same percentiles measured from the actual send, when <see cref="CoordinatedOmissionCorrected"/>.</summary>
    public IReadOnlyList<LatencyPercentile>? UncorrectedPercentiles { get; init; }

    /// <summary>hey's response time histogram: 11 marks from fastest to slowest, each with the responses up to it.</summary>
    public required IReadOnlyList<HistogramBucket> Histogram { get; init; }

    /// <summary>Average, fastest and slowest of each phase of a request.</summary>
    public required LoadPhaseDetails Details { get; init; }

    /// <summary>Responses per status code, sorted by code.</summary>
    public required IReadOnlyList<StatusCodeCount> StatusCodes { get; init; }

    /// <summary>The statuses that count as a success (<see cref="LoadOptions.Expect"/>), e.g. <c>2xx,3xx</c>.</summary>
    public string Expected { get; init; } = ExpectedStatuses.Default.Text;

    /// <summary>Requests answered with an expected status.</summary>
    public long Succeeded { get; init; }

    /// <summary>Requests that did not succeed, by kind: errors and unexpected statuses, most frequent first.</summary>
    public IReadOnlyList<LoadFailure> Failures { get; init; } = [];

    /// <summary>Errors per kind, most frequent first.</summary>
    public required IReadOnlyList<ErrorCount> Errors { get; init; }

    /// <summary>The latency HdrHistogram (microseconds), compressed and base64-encoded.</summary>
    public required string LatencyHistogram { get; init; }

    /// <summary>One row per measured request, only when <see cref="LoadOptions.KeepRequestSamples"/> was set.</summary>
    [JsonIgnore]
    public IReadOnlyList<RequestSample>? Samples { get; init; }

    /// <summary>Decodes <see cref="LatencyHistogram"/> (values in microseconds), e.g. to merge runs or read any percentile.</summary>
    public HistogramBase DecodeLatencyHistogram() => LatencyHistograms.Decode(LatencyHistogram);

    /// <summary>Status code count of <paramref name="code"/>, 0 when none.</summary>
    public long CountOf(int code) => StatusCodes.FirstOrDefault(s => s.Code == code)?.Count ?? 0;

    /// <summary>Error count of <paramref name="kind"/>, 0 when none.</summary>
    public long CountOf(LoadErrorKind kind) => Errors.FirstOrDefault(e => e.Kind == kind)?.Count ?? 0;
}

/// <summary>A latency percentile: <paramref name="Percent"/> of responses took at most <paramref name="Seconds"/>.</summary>
public sealed record LatencyPercentile(double Percent, double Seconds);

/// <summary>A histogram mark and the responses above the previous mark and up to this one.</summary>
public sealed record HistogramBucket(double MarkSeconds, long Count);

/// <summary>Responses with one status code.</summary>
public sealed record StatusCodeCount(int Code, long Count);

/// <summary>Requests that failed one way.</summary>
public sealed record ErrorCount([property: JsonConverter(typeof(JsonStringEnumConverter<LoadErrorKind>))] LoadErrorKind Kind, long Count, string Description);

/// <summary>Average, fastest and slowest duration of one phase, in seconds.</summary>
public sealed record PhaseTiming(double AverageSeconds, double FastestSeconds, double SlowestSeconds);

/// <summary>
/// The phases of a request as hey names them. DNS is resolved once before the run, so its line is zero; dial-up
/// is zero for requests on a reused connection (averaged over all responses, as hey).
/// </summary>
public sealed record LoadPhaseDetails(
    PhaseTiming DnsDialup, PhaseTiming DnsLookup, PhaseTiming RequestWrite, PhaseTiming ResponseWait, PhaseTiming ResponseRead);

/// <summary>One measured request, for hey's CSV: times in seconds, offset from the start of the run.</summary>
public readonly record struct RequestSample(
    double ResponseTime, double DnsDialup, double Dns, double RequestWrite, double ResponseDelay, double ResponseRead,
    int StatusCode, double Offset);
