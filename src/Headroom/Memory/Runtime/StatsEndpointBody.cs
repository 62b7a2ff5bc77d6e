using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Headroom.Memory.Runtime;

/// <summary>
/// One GET of a stats endpoint, bounded in size and in total time (headers and body): a stats body is kilobytes, and
/// an endpoint that trickles its body or streams a chunked one without end costs at most <see cref="MaxBytes"/> of
/// memory and the time given. The size is counted as the bytes arrive, whatever Content-Length says (or not).
/// </summary>
public static class StatsEndpointBody
{
    /// <summary>The most a stats body may be: Go's expvar with every memstat is about 10 KiB, a busy /metrics a few hundred.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>GETs <paramref name="url"/> and returns its body and content type.</summary>
    /// <exception cref="UserInputException">Unreachable, an error status, too large, or not whole within <paramref name="total"/>.</exception>
    public static async Task<(string Body, string? ContentType)> ReadAsync(
        HttpClient http, Uri url, TimeSpan total, CancellationToken ct, int maxBytes = MaxBytes)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(url);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(total);
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new UserInputException(
                    $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}; give the URL of a /debug/vars or /metrics endpoint");
            }
            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw TooLarge(url, maxBytes);
            }
            var contentType = response.Content.Headers.ContentType?.MediaType;
            await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
            using var body = new MemoryStream();
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0)
            {
                if (body.Length + read > maxBytes)
                {
                    throw TooLarge(url, maxBytes);
                }
                body.Write(buffer, 0, read);
            }
            return (Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length), contentType);
        }
        catch (HttpRequestException e)
        {
            throw new UserInputException($"cannot reach {url}: {Describe(e)}; is the service running and the port right?", e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                $"{url} did not send its whole answer within {total.TotalSeconds:0.#} s; is the service running and the port right?"), e);
        }
        catch (IOException e) when (!ct.IsCancellationRequested)
        {
            throw new UserInputException($"{url} broke off its answer: {e.Message.ReplaceLineEndings(" ")}", e);
        }
        catch (SocketException e) when (!ct.IsCancellationRequested)
        {
            // HttpClient lets a bare SocketException out when the connection is reset just after connecting (its pool
            // reads the socket's RemoteEndPoint: ENOTCONN); a target dying under its limit does that.
            throw new UserInputException($"cannot reach {url}: {e.Message}; is the service running and the port right?", e);
        }
    }

    private static UserInputException TooLarge(Uri url, int maxBytes) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"{url} sent more than {maxBytes / (1024 * 1024)} MiB, more than a stats endpoint does; check the URL"));

    private static string Describe(HttpRequestException e) =>
        e.InnerException is SocketException socket ? socket.Message : e.Message.Split('\n')[0].TrimEnd('.');
}
