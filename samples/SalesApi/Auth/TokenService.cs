using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SalesApi.Auth;

/// <summary>Issues and checks the RS256 JWTs of the API (<c>kid</c> header; <c>sub</c>, <c>iss</c>, <c>exp</c>, <c>roles</c>).</summary>
public sealed class TokenService
{
    public const string Issuer = "service project";
    public const string RolesClaim = "roles";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly SigningKey _key;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false, SetDefaultTimesOnTokenCreation = false };
    private readonly TokenValidationParameters _validation;
    private readonly TimeProvider _clock;

    public TokenService(SigningKey key, TimeProvider clock)
    {
        _key = key;
        _clock = clock;
        _validation = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidateAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(5),
            IssuerSigningKey = key.Public,
            // Only RS256: "alg": "none" and HS256-with-the-public-key tricks are refused here, not by luck.
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            TryAllIssuerSigningKeys = false,
            RoleClaimType = RolesClaim,
            NameClaimType = JwtRegisteredClaimNames.Sub,
        };
    }

    public string Kid => _key.Kid;

    public string Issue(string subject, IReadOnlyList<string> roles)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            IssuedAt = now,
            Expires = now + Lifetime,
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = subject, [RolesClaim] = roles.ToArray() },
            SigningCredentials = new SigningCredentials(_key.Private, SecurityAlgorithms.RsaSha256),
        };
        return _handler.CreateToken(descriptor);
    }

    /// <summary>The caller's identity, or null with the reason when the token is not one this service issued.</summary>
    public async Task<(ClaimsIdentity? Identity, string? Failure)> ValidateAsync(string token)
    {
        JsonWebToken parsed;
        try
        {
            parsed = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return (null, "malformed token");
        }
        if (parsed.Kid != _key.Kid)
        {
            return (null, "unknown key id");
        }
        var result = await _handler.ValidateTokenAsync(parsed, _validation);
        return result.IsValid
            ? (result.ClaimsIdentity, null)
            : (null, result.Exception is SecurityTokenExpiredException ? "token expired" : "invalid token");
    }
}
