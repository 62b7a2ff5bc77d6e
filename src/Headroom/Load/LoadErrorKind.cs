namespace Headroom.Load;

/// <summary>Why a request got no complete response; the error distribution counts requests by kind.</summary>
public enum LoadErrorKind
{
    /// <summary>Connection refused: nothing listens (the target is not up, or has died).</summary>
    Refused,

    /// <summary>Connection reset by the peer.</summary>
    Reset,

    /// <summary>No complete response within the per-request timeout (<c>-t</c>).</summary>
    Timeout,

    /// <summary>The peer closed the connection before the response was complete.</summary>
    Closed,

    /// <summary>The response was not valid HTTP/1.x.</summary>
    Protocol,

    /// <summary>A redirect to another origin, which is not followed.</summary>
    Redirect,

    /// <summary>TLS handshake or certificate failure.</summary>
    Tls,

    /// <summary>Any other network error.</summary>
    Other,
}

/// <summary>The one-line text the report shows for each kind of error.</summary>
public static class LoadErrorKinds
{
    /// <summary>A short description of <paramref name="kind"/>, as the error distribution prints it.</summary>
    public static string Describe(LoadErrorKind kind) => kind switch
    {
        LoadErrorKind.Refused => "connection refused",
        LoadErrorKind.Reset => "connection reset by peer",
        LoadErrorKind.Timeout => "no complete response within the timeout (-t)",
        LoadErrorKind.Closed => "connection closed before the response was complete",
        LoadErrorKind.Protocol => "malformed HTTP response",
        LoadErrorKind.Redirect => "redirect to another origin not followed",
        LoadErrorKind.Tls => "TLS error",
        _ => "network error",
    };
}
