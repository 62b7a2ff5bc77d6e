using System.Net.Http.Headers;
using System.Text;
using SalesApi.Auth;
using SalesApi.Data;

namespace SalesApi.Api;

/// <summary><c>GET /v1/users/token/{kid}</c>: HTTP Basic auth (email:password) in, <c>{"token":"&lt;JWT&gt;"}</c> out.</summary>
public static class TokenEndpoint
{
    /// <summary>The rate limiter policy on this endpoint (see <see cref="TokenRateLimit"/>).</summary>
    public const string RateLimitPolicy = "token";

    public static async Task<IResult> HandleAsync(string kid, HttpContext context, UserStore users, TokenService tokens, CancellationToken ct)
    {
        if (kid != tokens.Kid)
        {
            return ApiErrors.NotFound($"unknown key id {kid}");
        }
        if (!TryReadBasic(context.Request.Headers.Authorization.ToString(), out var email, out var password))
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"sales-api\"";
            return ApiErrors.Unauthorized("must provide email and password in Basic auth");
        }
        var credentials = await users.FindCredentialsAsync(email, ct);
        // Unknown user and wrong password get the same answer in the same time (an unknown user is checked against a
        // dummy hash of the same work factor), so the endpoint tells neither by its words nor by its timing which
        // emails exist.
        if (!PasswordHash.Verify(password, credentials?.PasswordHash ?? PasswordHash.Dummy) || credentials is null)
        {
            return ApiErrors.Unauthorized("authentication failed");
        }
        if (!credentials.Enabled)
        {
            return ApiErrors.Unauthorized("user is disabled");
        }
        return new JsonBody<TokenBody>(new TokenBody(tokens.Issue(credentials.Id, credentials.Roles)), ApiJson.Default.TokenBody);
    }

    private static bool TryReadBasic(string header, out string email, out string password)
    {
        email = password = "";
        if (!AuthenticationHeaderValue.TryParse(header, out var value)
            || !string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || value.Parameter is null)
        {
            return false;
        }
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }
        email = decoded[..colon];
        password = decoded[(colon + 1)..];
        return true;
    }
}
