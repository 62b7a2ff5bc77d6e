using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Headroom.Tests.GoSample;

/// <summary>The Go sample's /v1/users page, its paging rules, and its probes.</summary>
public sealed class GoSalesApiUsersTests(GoSalesApiFixture api) : IClassFixture<GoSalesApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Users_TwoRows_HasTheArticlesShapeAnd481Bytes()
    {
        var token = await api.GetTokenAsync("admin@example.com", "gophers", Ct);
        using var request = api.UsersRequest("?page=1&rows=2", token);
        using var response = await api.Http.SendAsync(request, Ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        // The article's load reports "Size/request: 481 bytes".
        Assert.Equal(481, bytes.Length);
        var page = JsonDocument.Parse(bytes).RootElement;
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        Assert.Equal(1, page.GetProperty("page").GetInt32());
        Assert.Equal(2, page.GetProperty("rowsPerPage").GetInt32());
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        string[] fields = ["id", "name", "email", "roles", "department", "enabled", "dateCreated", "dateUpdated"];
        Assert.All(items, item => Assert.Equal(fields, item.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(["admin@example.com", "user@example.com"], items.Select(i => i.GetProperty("email").GetString()));
        Assert.All(items, item => Assert.True(item.GetProperty("enabled").GetBoolean()));
        Assert.All(items, item => Assert.True(item.GetProperty("dateCreated").TryGetDateTimeOffset(out _)));
    }

    [Fact]
    public async Task Users_SecondPageOfOne_HoldsTheSecondUserAndTheTotal()
    {
        var token = await api.GetTokenAsync("admin@example.com", "gophers", Ct);
        using var request = api.UsersRequest("?page=2&rows=1", token);
        using var response = await api.Http.SendAsync(request, Ct);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(2, page.GetProperty("total").GetInt32());
        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("user@example.com", item.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Users_PageBeyondTheEnd_IsEmptyWithTheTotal()
    {
        var token = await api.GetTokenAsync("admin@example.com", "gophers", Ct);
        using var request = api.UsersRequest("?page=3&rows=2", token);
        using var response = await api.Http.SendAsync(request, Ct);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.Equal(2, page.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("?page=1&rows=0")]
    [InlineData("?page=1&rows=abc")]
    [InlineData("?page=1&rows=100000")]
    [InlineData("?page=1&rows=101")]
    [InlineData("?page=0&rows=2")]
    [InlineData("?page=-1&rows=2")]
    public async Task Users_WithBadPaging_Is400(string query)
    {
        var token = await api.GetTokenAsync("admin@example.com", "gophers", Ct);
        using var request = api.UsersRequest(query, token);
        using var response = await api.Http.SendAsync(request, Ct);
        await GoSalesApiAuthTests.AssertErrorAsync(HttpStatusCode.BadRequest, response);
    }

    [Fact]
    public async Task Users_HundredRows_IsTheLargestPageAllowed()
    {
        var token = await api.GetTokenAsync("admin@example.com", "gophers", Ct);
        using var request = api.UsersRequest("?page=1&rows=100", token);
        using var response = await api.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("v1/readiness")]
    [InlineData("v1/liveness")]
    public async Task Probes_Answer200WithJson(string path)
    {
        using var response = await api.Http.GetAsync(new Uri(api.ApiBase, path), Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task UnknownPath_Is404Json()
    {
        using var response = await api.Http.GetAsync(new Uri(api.ApiBase, "v1/nothing-here"), Ct);
        await GoSalesApiAuthTests.AssertErrorAsync(HttpStatusCode.NotFound, response);
    }

    [Fact]
    public async Task Post_Is405Json()
    {
        using var response = await api.Http.PostAsync(new Uri(api.ApiBase, "v1/users"), null, Ct);
        await GoSalesApiAuthTests.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, response);
    }
}
