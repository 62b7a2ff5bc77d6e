using System.Globalization;
using Microsoft.IdentityModel.JsonWebTokens;
using SalesApi.Auth;
using SalesApi.Data;

namespace SalesApi.Api;

/// <summary>
/// <c>GET /v1/users?page=1&amp;rows=2</c>: a bearer JWT with the ADMIN role, then three queries as in the original:
/// is the caller enabled, the page, the count.
/// </summary>
public static class UsersEndpoint
{
    public const int MaxRows = 100;
    public const int MaxPage = 1_000_000;

    public static async Task<IResult> HandleAsync(HttpContext context, UserStore users, TokenService tokens, CancellationToken ct)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return ApiErrors.Unauthorized("expected authorization header format: Bearer <token>");
        }
        var (identity, failure) = await tokens.ValidateAsync(header["Bearer ".Length..].Trim());
        if (identity is null)
        {
            return ApiErrors.Unauthorized(failure!);
        }
        if (!identity.HasClaim(TokenService.RolesClaim, "ADMIN"))
        {
            return ApiErrors.Forbidden("you are not authorized for that action: requires role ADMIN");
        }

        var query = context.Request.Query;
        if (!TryReadNumber(query["page"], 1, 1, MaxPage, out var page))
        {
            return ApiErrors.BadRequest($"page must be a whole number from 1 to {MaxPage}");
        }
        if (!TryReadNumber(query["rows"], 10, 1, MaxRows, out var rows))
        {
            return ApiErrors.BadRequest($"rows must be a whole number from 1 to {MaxRows}");
        }

        var subject = identity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        if (subject is null || !await users.IsEnabledAsync(subject, ct))
        {
            return ApiErrors.Unauthorized("user is disabled or unknown");
        }
        var (items, total) = await users.PageAsync(page, rows, ct);
        return new JsonBody<UsersPage>(new UsersPage(items, total, page, rows), ApiJson.Default.UsersPage);
    }

    private static bool TryReadNumber(string? text, int fallback, int min, int max, out int value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}
