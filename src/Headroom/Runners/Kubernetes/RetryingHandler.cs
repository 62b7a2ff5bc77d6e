using System.Net;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Retries the API server's passing refusals, as client-go does (<c>rest/with_retry.go</c>, <c>checkWait</c>): a 429
/// (API Priority and Fairness rejects before it runs anything) or a 5xx with a <c>Retry-After</c> is sent again after
/// that wait, whatever the verb; a GET (a read, safe to repeat) is also sent again after a 5xx without it or a reset
/// connection (a control-plane upgrade, a load balancer), with exponential backoff. Up to <see cref="MaxAttempts"/>
/// attempts; the last answer or error goes to the caller as before.
/// </summary>
public sealed class RetryingHandler : DelegatingHandler
{
    /// <summary>Attempts per request (5: with the backoff below, about 15 s of an API server that does not answer).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The first backoff (0.5 s), doubled at each retry.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait honoured from a <c>Retry-After</c> (10 s), so a trial's timers stay meaningful.</summary>
    public TimeSpan LongestRetryAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries made so far by this handler (for the report and the tests).</summary>
    public int Retries => Volatile.Read(ref _retries);

    private int _retries;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var backoff = FirstBackoff;
        var read = request.Method == HttpMethod.Get;
        for (var attempt = 1; ; attempt++)
        {
            using var sent = attempt == 1 ? null : Copy(request, body);
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(sent ?? request, cancellationToken);
            }
            catch (Exception e) when (read && attempt < MaxAttempts && !cancellationToken.IsCancellationRequested
                && e is HttpRequestException or IOException)
            {
                Interlocked.Increment(ref _retries);
                await Task.Delay(backoff, cancellationToken);
                backoff *= 2;
                continue;
            }
            if (attempt >= MaxAttempts || Wait(response, read, backoff) is not { } wait)
            {
                return response;
            }
            response.Dispose();
            Interlocked.Increment(ref _retries);
            await Task.Delay(wait, cancellationToken);
            backoff *= 2;
        }
    }

    /// <summary>How long to wait before sending again; null: this answer is the caller's.</summary>
    private TimeSpan? Wait(HttpResponseMessage response, bool read, TimeSpan backoff)
    {
        var code = (int)response.StatusCode;
        if (code != (int)HttpStatusCode.TooManyRequests && code < 500)
        {
            return null;
        }
        if (RetryAfter(response) is { } after)
        {
            return after > LongestRetryAfter ? LongestRetryAfter : after;
        }
        // Without Retry-After a 429 is still a refusal before anything ran; a 5xx is only safe to repeat for a read.
        return code == (int)HttpStatusCode.TooManyRequests || read ? backoff : null;
    }

    /// <summary>The <c>Retry-After</c> header: seconds (as the API server sends it) or an HTTP date.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>An HttpRequestMessage can be sent once: the same request again, with the same headers (the credentials among them).</summary>
    internal static HttpRequestMessage Copy(HttpRequestMessage request, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var (name, values) in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(name, values);
        }
        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var (name, values) in request.Content!.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(name, values);
            }
        }
        foreach (var (key, value) in request.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[key] = value;
        }
        return copy;
    }
}
