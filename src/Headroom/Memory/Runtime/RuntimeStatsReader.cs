namespace Headroom.Memory.Runtime;

/// <summary>
/// Reads a service's own memory figures from a <c>/debug/vars</c> (Go expvar JSON, or the sample's .NET expvar) or a
/// <c>/metrics</c> (Prometheus text) endpoint.
/// </summary>
public static class RuntimeStatsReader
{
    /// <summary>
    /// Parses a body in either format. The content type is a hint only: endpoints often serve expvar as
    /// <c>text/plain</c>, so a body that starts with <c>{</c> is read as JSON whatever it says.
    /// </summary>
    /// <exception cref="UserInputException">The body is in neither format, or holds no memory figure.</exception>
    public static RuntimeMemorySnapshot Parse(string body, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(body);
        var trimmed = body.AsSpan().TrimStart();
        var saysJson = contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;
        if (saysJson || trimmed.StartsWith("{"))
        {
            return ExpvarParser.Parse(body);
        }
        return PrometheusMemoryParser.Parse(body);
    }

    /// <summary>GETs <paramref name="url"/> (within <paramref name="total"/>, headers and body, and at most
    /// <see cref="StatsEndpointBody.MaxBytes"/>) and parses the body with <see cref="Parse"/>.</summary>
    /// <exception cref="UserInputException">The URL cannot be reached, answers with an error status, too much or too
    /// slowly, or its body is in neither format.</exception>
    public static async Task<RuntimeMemorySnapshot> ReadAsync(HttpClient http, Uri url, TimeSpan total, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new UserInputException($"'{url}' is not an http(s) URL; give one like http://localhost:4000/debug/vars");
        }
        var (body, contentType) = await StatsEndpointBody.ReadAsync(http, url, total, ct);
        try
        {
            return Parse(body, contentType);
        }
        catch (UserInputException e)
        {
            throw new UserInputException($"{url}: {e.Message}", e);
        }
    }

    /// <inheritdoc cref="ReadAsync(HttpClient, Uri, TimeSpan, CancellationToken)"/>
    public static Task<RuntimeMemorySnapshot> ReadAsync(HttpClient http, Uri url, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        return ReadAsync(http, url, http.Timeout == Timeout.InfiniteTimeSpan ? DefaultTotal : http.Timeout, ct);
    }

    private static readonly TimeSpan DefaultTotal = TimeSpan.FromSeconds(10);
}
