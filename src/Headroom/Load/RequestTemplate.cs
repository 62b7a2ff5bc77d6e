using System.Text;

namespace Headroom.Load;

/// <summary>
/// A request serialised once into the exact bytes every send writes, so the hot path only copies a buffer to the
/// socket. Headers follow hey's defaults: a User-Agent, <c>Accept-Encoding: gzip</c> unless compression is disabled,
/// <c>Connection: close</c> when keep-alive is disabled; <c>-H</c> headers replace defaults of the same name.
/// </summary>
internal sealed class RequestTemplate
{
    public const string UserAgent = "headroom-load/0.1";

    private RequestTemplate(byte[] bytes, bool isHead)
    {
        Bytes = bytes;
        IsHead = isHead;
    }

    public byte[] Bytes { get; }

    public bool IsHead { get; }

    public static RequestTemplate Create(LoadOptions options) => Create(options, options.Url.PathAndQuery);

    /// <summary>The same request to another path on the same origin (a redirect).</summary>
    public static RequestTemplate Create(LoadOptions options, string pathAndQuery)
    {
        var url = options.Url;
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", url.IsDefaultPort ? url.IdnHost : $"{url.IdnHost}:{url.Port}"),
            new("User-Agent", UserAgent),
        };
        if (!options.DisableCompression)
        {
            headers.Add(new("Accept-Encoding", "gzip"));
        }
        if (options.BasicAuth is not null)
        {
            headers.Add(new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(options.BasicAuth))));
        }
        if (options.Body is not null || options.ContentType is not null)
        {
            headers.Add(new("Content-Type", options.ContentType ?? "text/html"));
        }
        headers.RemoveAll(d => options.Headers.Any(h => h.Key.Equals(d.Key, StringComparison.OrdinalIgnoreCase)));
        headers.AddRange(options.Headers);
        headers.RemoveAll(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) ||
                               h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase));
        var body = options.Body ?? [];
        if (body.Length > 0 || options.Method is "POST" or "PUT" or "PATCH")
        {
            headers.Add(new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (options.DisableKeepAlive)
        {
            headers.Add(new("Connection", "close"));
        }

        var text = new StringBuilder();
        text.Append(options.Method).Append(' ').Append(pathAndQuery).Append(" HTTP/1.1\r\n");
        foreach (var (name, value) in headers)
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        text.Append("\r\n");
        var head = Encoding.UTF8.GetBytes(text.ToString());
        return new RequestTemplate([.. head, .. body], options.Method == "HEAD");
    }
}
