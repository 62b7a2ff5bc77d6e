using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Headroom.Tests.SalesApi;

/// <summary>The API's contract, run against each database the sample supports (see the two classes at the end).</summary>
public abstract class SalesApiEndpointTests(SalesApiFixture fixture)
{
    private const string AdminId = "5cf37266-3473-4006-984f-9325122678b7";

    [Fact]
    public async Task Token_RightPassword_GivesRs256JwtThatVerifiesWithThePublicKey()
    {
        var token = await fixture.TokenAsync(SalesApiFixture.AdminEmail);

        var header = Jwt.Header(token);
        var payload = Jwt.Payload(token);
        Assert.Equal("RS256", (string?)header["alg"]);
        Assert.Equal(SalesApiFixture.DefaultKid, (string?)header["kid"]);
        Assert.Equal(AdminId, (string?)payload["sub"]);
        Assert.False(string.IsNullOrEmpty((string?)payload["iss"]));
        Assert.Equal(["ADMIN"], payload["roles"]!.AsArray().Select(r => (string?)r));
        Assert.InRange((long)payload["exp"]! - Jwt.UnixNow, 3500, 3700);
        using var key = fixture.LoadKey();
        Assert.True(Jwt.VerifyRs256(token, key));
    }

    [Theory]
    [InlineData(SalesApiFixture.AdminEmail, "not-the-password")]
    [InlineData("nobody@example.com", SalesApiFixture.Password)]
    public async Task Token_WrongPasswordOrUnknownUser_Is401WithJsonError(string email, string password)
    {
        using var response = await fixture.GetAsync($"/v1/users/token/{SalesApiFixture.DefaultKid}", SalesApiFixture.Basic(email, password));

        await AssertJsonErrorAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_NoAuthorization_Is401()
    {
        using var response = await fixture.GetAsync($"/v1/users/token/{SalesApiFixture.DefaultKid}");

        await AssertJsonErrorAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_UnknownKid_Is404()
    {
        using var response = await fixture.GetAsync("/v1/users/token/00000000-0000-0000-0000-000000000000",
            SalesApiFixture.Basic(SalesApiFixture.AdminEmail, SalesApiFixture.Password));

        await AssertJsonErrorAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Users_AdminToken_GivesTheDocumentedJsonWithTheSeededUsers()
    {
        var token = await fixture.TokenAsync(SalesApiFixture.AdminEmail);

        using var response = await fixture.GetAsync("/v1/users?page=1&rows=2", SalesApiFixture.Bearer(token));
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        // The article's answer is 481 bytes for two rows, sent with a Content-Length (hey's "Size/request" needs it).
        Assert.InRange(body.Length, 440, 520);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var root = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(["items", "total", "page", "rowsPerPage"], root.Select(p => p.Key));
        Assert.Equal(2, (long)root["total"]!);
        Assert.Equal(1, (int)root["page"]!);
        Assert.Equal(2, (int)root["rowsPerPage"]!);
        var items = root["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        foreach (var item in items)
        {
            Assert.Equal(["id", "name", "email", "roles", "department", "enabled", "dateCreated", "dateUpdated"], item!.AsObject().Select(p => p.Key));
            Assert.True((bool)item["enabled"]!);
            Assert.True(DateTimeOffset.TryParse((string?)item["dateCreated"], System.Globalization.CultureInfo.InvariantCulture, out _));
        }
        Assert.Equal(
            [(SalesApiFixture.AdminEmail, "ADMIN"), (SalesApiFixture.UserEmail, "USER")],
            items.Select(i => ((string)i!["email"]!, (string)i["roles"]![0]!)).OrderBy(p => p.Item1));
    }

    [Fact]
    public async Task Users_SecondPageOfOneRow_GivesTheOtherUser()
    {
        var token = await fixture.TokenAsync(SalesApiFixture.AdminEmail);

        var first = await ItemsAsync(token, "/v1/users?page=1&rows=1");
        var second = await ItemsAsync(token, "/v1/users?page=2&rows=1");
        var third = await ItemsAsync(token, "/v1/users?page=3&rows=1");

        Assert.Single(first);
        Assert.Single(second);
        Assert.NotEqual(first[0], second[0]);
        Assert.Empty(third);
    }

    [Fact]
    public async Task Users_NoToken_Is401()
    {
        using var response = await fixture.GetAsync("/v1/users?page=1&rows=2");

        await AssertJsonErrorAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Users_TamperedToken_Is401()
    {
        // A USER token whose payload is rewritten to claim ADMIN, keeping the original signature.
        var token = await fixture.TokenAsync(SalesApiFixture.UserEmail);
        var payload = Jwt.Payload(token);
        payload["roles"] = new JsonArray("ADMIN");

        using var response = await fixture.GetAsync("/v1/users?page=1&rows=2", SalesApiFixture.Bearer(Jwt.WithPayload(token, payload)));

        await AssertJsonErrorAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Users_ExpiredTokenSignedWithTheRightKey_Is401()
    {
        using var key = fixture.LoadKey();
        var token = Jwt.SignRs256(
            new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = SalesApiFixture.DefaultKid },
            AdminClaims(issuedAt: Jwt.UnixNow - 7200, expires: Jwt.UnixNow - 3600), key);
        var control = Jwt.SignRs256(
            new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = SalesApiFixture.DefaultKid },
            AdminClaims(issuedAt: Jwt.UnixNow, expires: Jwt.UnixNow + 600), key);

        using var expired = await fixture.GetAsync("/v1/users?page=1&rows=2", SalesApiFixture.Bearer(token));
        using var fresh = await fixture.GetAsync("/v1/users?page=1&rows=2", SalesApiFixture.Bearer(control));

        await AssertJsonErrorAsync(expired, HttpStatusCode.Unauthorized);
        // The same claims, not expired, pass: the 401 above is about expiry, not a malformed forgery.
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task Users_AlgNoneToken_Is401()
    {
        var token = Jwt.Unsigned(
            new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = SalesApiFixture.DefaultKid },
            AdminClaims(issuedAt: Jwt.UnixNow, expires: Jwt.UnixNow + 600));

        using var response = await fixture.GetAsync("/v1/users?page=1&rows=2", SalesApiFixture.Bearer(token));

        await AssertJsonErrorAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Users_UserRole_Is403()
    {
        var token = await fixture.TokenAsync(SalesApiFixture.UserEmail);

        using var response = await fixture.GetAsync("/v1/users?page=1&rows=2", SalesApiFixture.Bearer(token));

        await AssertJsonErrorAsync(response, HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("page=1&rows=0")]
    [InlineData("page=1&rows=abc")]
    [InlineData("page=1&rows=100000")]
    [InlineData("page=1&rows=101")]
    [InlineData("page=1&rows=-1")]
    [InlineData("page=0&rows=2")]
    [InlineData("page=x&rows=2")]
    [InlineData("page=99999999999&rows=2")]
    public async Task Users_PageOrRowsOutOfBounds_Is400(string query)
    {
        var token = await fixture.TokenAsync(SalesApiFixture.AdminEmail);

        using var response = await fixture.GetAsync($"/v1/users?{query}", SalesApiFixture.Bearer(token));

        await AssertJsonErrorAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Readiness_DatabaseUp_Is200()
    {
        using var response = await fixture.GetAsync("/v1/readiness");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Liveness_Is200WithThePid()
    {
        using var response = await fixture.GetAsync("/v1/liveness");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(fixture.Service.Pid, (int)body["pid"]!);
    }

    [Fact]
    public async Task UnknownPath_Is404Json()
    {
        using var response = await fixture.GetAsync("/v1/orders");

        await AssertJsonErrorAsync(response, HttpStatusCode.NotFound);
    }

    private static JsonObject AdminClaims(long issuedAt, long expires) => new()
    {
        ["sub"] = AdminId,
        ["iss"] = "service project",
        ["iat"] = issuedAt,
        ["exp"] = expires,
        ["roles"] = new JsonArray("ADMIN"),
    };

    private async Task<List<string>> ItemsAsync(string token, string path)
    {
        using var response = await fixture.GetAsync(path, SalesApiFixture.Bearer(token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        return root["items"]!.AsArray().Select(i => (string)i!["id"]!).ToList();
    }

    internal static async Task AssertJsonErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("error").GetString()));
    }
}

public sealed class SalesApiSqliteEndpointTests(SqliteSalesApiFixture fixture)
    : SalesApiEndpointTests(fixture), IClassFixture<SqliteSalesApiFixture>;

public sealed class SalesApiPostgresEndpointTests(PostgresSalesApiFixture fixture)
    : SalesApiEndpointTests(fixture), IClassFixture<PostgresSalesApiFixture>;
