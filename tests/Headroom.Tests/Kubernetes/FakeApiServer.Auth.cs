using Microsoft.AspNetCore.Http;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// Bearer-token authentication as the API server does it: a request whose token is not (or no longer) valid is answered
/// 401 with the Status <c>Unauthorized</c> before any handler runs (apiserver's
/// <c>staging/src/k8s.io/apiserver/pkg/endpoints/filters/authentication.go</c>, <c>Unauthorized</c>:
/// <c>responsewriters.ErrorNegotiated(apierrors.NewUnauthorized("Unauthorized"))</c>); the webhook/OIDC
/// authenticators refuse an expired token the same way.
/// </summary>
internal sealed partial class FakeApiServer
{
    private readonly List<string> _tokensSeen = [];
    private int _unauthorized;

    /// <summary>The only bearer token accepted; null: no authentication (every request passes).</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Requests answered 401.</summary>
    public int Unauthorized
    {
        get
        {
            lock (_lock)
            {
                return _unauthorized;
            }
        }
    }

    /// <summary>Every distinct bearer token requests carried, in the order first seen.</summary>
    public IReadOnlyList<string> TokensSeen
    {
        get
        {
            lock (_lock)
            {
                return [.. _tokensSeen];
            }
        }
    }

    /// <summary>True when the request may go on; otherwise the 401 was written.</summary>
    private async Task<bool> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
        bool refused;
        lock (_lock)
        {
            if (token.Length > 0 && !_tokensSeen.Contains(token))
            {
                _tokensSeen.Add(token);
            }
            refused = RequiredToken is { } required && token != required;
            if (refused)
            {
                _unauthorized++;
            }
        }
        if (!refused)
        {
            return true;
        }
        context.Response.StatusCode = 401;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""",
            context.RequestAborted);
        return false;
    }
}
