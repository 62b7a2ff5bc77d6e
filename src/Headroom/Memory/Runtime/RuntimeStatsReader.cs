using System.Net.Sockets;

namespace Headroom.Memory.Runtime;

/// <summary>
/// Reads a service's own memory figures from a <c>/debug/vars</c> (Go expvar JSON, or the sample's .NET expvar) or a
/// <c>/metrics</c> (Prometheus text) endpoint.
/// </summary>
public static class RuntimeStatsReader
{
    private const int MaxBodyBytes = 16 * 1024 * 1024;

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

    /// <summary>GETs <paramref name="url"/> and parses the body with <see cref="Parse"/>.</summary>
    /// <exception cref="UserInputException">The URL cannot be reached, answers with an error status, or its body is in
    /// neither format.</exception>
    public static async Task<RuntimeMemorySnapshot> ReadAsync(HttpClient http, Uri url, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new UserInputException($"'{url}' is not an http(s) URL; give one like http://localhost:4000/debug/vars");
        }
        string body;
        string? contentType;
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new UserInputException(
                    $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}; give the URL of a /debug/vars or /metrics endpoint");
            }
            if (response.Content.Headers.ContentLength > MaxBodyBytes)
            {
                throw new UserInputException($"{url} sent {response.Content.Headers.ContentLength} bytes, more than a stats endpoint does; check the URL");
            }
            contentType = response.Content.Headers.ContentType?.MediaType;
            body = await response.Content.ReadAsStringAsync(ct);
        }
        catch (HttpRequestException e)
        {
            throw new UserInputException($"cannot reach {url}: {Describe(e)}; is the service running and the port right?", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new UserInputException($"{url} did not answer within {http.Timeout.TotalSeconds:0.#} s; is the service running and the port right?", e);
        }
        try
        {
            return Parse(body, contentType);
        }
        catch (UserInputException e)
        {
            throw new UserInputException($"{url}: {e.Message}", e);
        }
    }

    private static string Describe(HttpRequestException e) =>
        e.InnerException is SocketException socket ? socket.Message : e.Message.Split('\n')[0].TrimEnd('.');
}
