namespace Headroom.Load;

/// <summary>
/// One load run, with hey's flags and meanings plus Headroom's additions (<see cref="TotalRate"/>,
/// <see cref="Warmup"/>). Defaults are hey's. Build one with <see cref="HeyArguments.Parse"/> or directly.
/// </summary>
public sealed record LoadOptions
{
    /// <summary>Default of <see cref="Requests"/> (hey's <c>-n</c>).</summary>
    public const int DefaultRequests = 200;

    /// <summary>Default of <see cref="Concurrency"/> (hey's <c>-c</c>).</summary>
    public const int DefaultConcurrency = 50;

    /// <summary>Default of <see cref="Timeout"/> (hey's <c>-t</c>, 20 s).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The URL every request goes to: <c>http</c> or <c>https</c>, absolute.</summary>
    public required Uri Url { get; init; }

    /// <summary>HTTP method (<c>-m</c>), upper case. Default GET.</summary>
    public string Method { get; init; } = "GET";

    /// <summary>Extra request headers (<c>-H</c>, repeatable), in order. A <c>Host</c> header replaces the URL's.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Request body (<c>-d</c> or <c>-D</c>), or null for none.</summary>
    public byte[]? Body { get; init; }

    /// <summary>Content type of the body (<c>-T</c>); sent when set or when there is a body (then hey's default, text/html).</summary>
    public string? ContentType { get; init; }

    /// <summary>Basic authentication as <c>user:password</c> (<c>-a</c>), or null.</summary>
    public string? BasicAuth { get; init; }

    /// <summary>Requests to send and count (<c>-n</c>); all of them are sent, unlike hey which drops n mod c. Ignored with <see cref="Duration"/>.</summary>
    public int Requests { get; init; } = DefaultRequests;

    /// <summary>Workers, each with its own connection (<c>-c</c>): the most requests in flight at once.</summary>
    public int Concurrency { get; init; } = DefaultConcurrency;

    /// <summary>Rate limit per worker in requests per second (<c>-q</c>, as hey: closed model, latencies from the actual send); 0 = none.</summary>
    public double RatePerWorker { get; init; }

    /// <summary>Run for this long instead of <see cref="Requests"/> (<c>-z</c>); null = count-bound.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>
    /// Total fixed arrival rate in requests per second (<c>--rate</c>, open model); 0 = none. Request i is due at
    /// start + i / rate, and its latency is measured from that due time (corrected for coordinated omission).
    /// </summary>
    public double TotalRate { get; init; }

    /// <summary>Which socket engine sends the requests (tests pin one; users get the fastest that fits).</summary>
    internal LoadEngine Engine { get; init; }

    /// <summary>Per-request timeout (<c>-t</c>), covering connect, write and the whole response; <see cref="TimeSpan.Zero"/> = none.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Requests sent before the measured ones and not counted (<c>--warmup</c>).</summary>
    public int Warmup { get; init; }

    /// <summary>Send <c>Connection: close</c> and open a new connection for every request (<c>--disable-keepalive</c>).</summary>
    public bool DisableKeepAlive { get; init; }

    /// <summary>Do not send <c>Accept-Encoding: gzip</c> (<c>--disable-compression</c>). Bodies are never decompressed.</summary>
    public bool DisableCompression { get; init; }

    /// <summary>Do not follow redirects (<c>--disable-redirects</c>); by default same-origin redirects are followed, up to 10.</summary>
    public bool DisableRedirects { get; init; }

    /// <summary>Which statuses count as a success (<c>--expect</c>); default 2xx and 3xx.</summary>
    public ExpectedStatuses Expect { get; init; } = ExpectedStatuses.Default;

    /// <summary>How the CLI prints the report (<c>-o csv</c>, <c>--json</c>); the library returns the same report either way.</summary>
    public LoadOutputFormat Output { get; init; } = LoadOutputFormat.Text;

    /// <summary>Keep one <see cref="RequestSample"/> per measured request (needed for CSV); costs memory per request.</summary>
    public bool KeepRequestSamples { get; init; }

    /// <summary>Most redirects followed for one request.</summary>
    internal const int MaxRedirects = 10;
}

/// <summary>How the report of a load run is printed.</summary>
public enum LoadOutputFormat
{
    /// <summary>hey's text layout.</summary>
    Text,

    /// <summary>hey's CSV: one row per request.</summary>
    Csv,

    /// <summary>Every figure of the report as JSON.</summary>
    Json,
}
