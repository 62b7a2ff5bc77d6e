using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Headroom.Tests.GoSample;

/// <summary>The Go sample's token endpoint and who it lets read /v1/users.</summary>
public sealed class GoSalesApiAuthTests(GoSalesApiFixture api) : IClassFixture<GoSalesApiFixture>
{
    private const string AdminId = "5cf37266-3473-4006-984f-9325122678b7";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Token_ForAdmin_IsRs256WithKidSubjectRolesAndOneHourExpiry()
    {
        var token = await api.GetTokenAsync("admin@example.com", "gophers", Ct);

        var header = JwtForgery.Part(token, 0);
        var claims = JwtForgery.Part(token, 1);
        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        Assert.Equal(GoSalesApiFixture.ActiveKid, header.GetProperty("kid").GetString());
        Assert.Equal(AdminId, claims.GetProperty("sub").GetString());
        Assert.False(string.IsNullOrEmpty(claims.GetProperty("iss").GetString()));
        Assert.Equal(["ADMIN"], claims.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var expiresIn = DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64()) - DateTimeOffset.UtcNow;
        Assert.InRange(expiresIn, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }

    [Theory]
    [InlineData("admin@example.com", "wrong")]
    [InlineData("nobody@example.com", "gophers")]
    public async Task Token_WithBadCredentials_Is401(string email, string password)
    {
        using var request = api.TokenRequest(GoSalesApiFixture.ActiveKid, email, password);
        using var response = await api.Http.SendAsync(request, Ct);
        await AssertErrorAsync(HttpStatusCode.Unauthorized, response);
    }

    [Fact]
    public async Task Token_WithoutBasicAuth_Is401()
    {
        using var response = await api.Http.GetAsync(new Uri(api.ApiBase, $"v1/users/token/{GoSalesApiFixture.ActiveKid}"), Ct);
        await AssertErrorAsync(HttpStatusCode.Unauthorized, response);
    }

    [Fact]
    public async Task Token_ForUnknownKid_Is404()
    {
        using var request = api.TokenRequest("00000000-0000-0000-0000-000000000000", "admin@example.com", "gophers");
        using var response = await api.Http.SendAsync(request, Ct);
        await AssertErrorAsync(HttpStatusCode.NotFound, response);
    }

    [Fact]
    public async Task Users_WithoutToken_Is401()
    {
        using var request = api.UsersRequest("?page=1&rows=2", bearer: null);
        using var response = await api.Http.SendAsync(request, Ct);
        await AssertErrorAsync(HttpStatusCode.Unauthorized, response);
    }

    [Fact]
    public async Task Users_WithTamperedClaims_Is401()
    {
        // A USER's valid token with its roles rewritten to ADMIN: the signature no longer matches.
        var userToken = await api.GetTokenAsync("user@example.com", "gophers", Ct);
        var forged = JwtForgery.WithPayload(userToken, Claims(roles: ["ADMIN"], expires: DateTimeOffset.UtcNow.AddHours(1)));
        using var request = api.UsersRequest("?page=1&rows=2", forged);
        using var response = await api.Http.SendAsync(request, Ct);
        await AssertErrorAsync(HttpStatusCode.Unauthorized, response);
    }

    [Fact]
    public async Task Users_WithExpiredTokenSignedByTheServiceKey_Is401()
    {
        var expired = JwtForgery.SignRs256(api.KeyPath, GoSalesApiFixture.ActiveKid,
            Claims(roles: ["ADMIN"], expires: DateTimeOffset.UtcNow.AddMinutes(-1)));
        using var request = api.UsersRequest("?page=1&rows=2", expired);
        using var response = await api.Http.SendAsync(request, Ct);
        await AssertErrorAsync(HttpStatusCode.Unauthorized, response);
    }

    [Fact]
    public async Task Users_WithValidTokenSignedByTheServiceKey_Is200()
    {
        // The counterpart of the expired case: the same forgery with a future exp is accepted, so the 401 above
        // is about the expiry and not about how the test signs.
        var valid = JwtForgery.SignRs256(api.KeyPath, GoSalesApiFixture.ActiveKid,
            Claims(roles: ["ADMIN"], expires: DateTimeOffset.UtcNow.AddMinutes(5)));
        using var request = api.UsersRequest("?page=1&rows=2", valid);
        using var response = await api.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Users_WithAlgNone_Is401()
    {
        var unsigned = JwtForgery.Unsigned(GoSalesApiFixture.ActiveKid, Claims(roles: ["ADMIN"], expires: DateTimeOffset.UtcNow.AddHours(1)));
        using var request = api.UsersRequest("?page=1&rows=2", unsigned);
        using var response = await api.Http.SendAsync(request, Ct);
        await AssertErrorAsync(HttpStatusCode.Unauthorized, response);
    }

    [Fact]
    public async Task Users_WithUserRole_Is403()
    {
        var userToken = await api.GetTokenAsync("user@example.com", "gophers", Ct);
        using var request = api.UsersRequest("?page=1&rows=2", userToken);
        using var response = await api.Http.SendAsync(request, Ct);
        await AssertErrorAsync(HttpStatusCode.Forbidden, response);
    }

    [Fact]
    public async Task Users_ForSubjectThatIsNotAUser_Is401()
    {
        var stranger = JwtForgery.SignRs256(api.KeyPath, GoSalesApiFixture.ActiveKid,
            Claims(roles: ["ADMIN"], expires: DateTimeOffset.UtcNow.AddMinutes(5), subject: "00000000-0000-0000-0000-000000000000"));
        using var request = api.UsersRequest("?page=1&rows=2", stranger);
        using var response = await api.Http.SendAsync(request, Ct);
        await AssertErrorAsync(HttpStatusCode.Unauthorized, response);
    }

    private static object Claims(string[] roles, DateTimeOffset expires, string subject = AdminId) => new
    {
        sub = subject,
        iss = "service project",
        iat = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds(),
        exp = expires.ToUnixTimeSeconds(),
        roles,
    };

    internal static async Task AssertErrorAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        Assert.Equal(expected, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error").GetString()));
    }
}
