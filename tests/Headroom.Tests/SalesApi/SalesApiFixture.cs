using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Headroom.Tests.SalesApi;

/// <summary>One running sample service shared by a test class; started in InitializeAsync, stopped in DisposeAsync.</summary>
public abstract class SalesApiFixture : IAsyncLifetime
{
    public const string AdminEmail = "admin@example.com";
    public const string UserEmail = "user@example.com";
    public const string Password = "gophers";
    public const string DefaultKid = "54bb2165-71e1-41a6-af3e-7da4a0e1e2c1";

    private SalesApiProcess? _service;
    private string? _skipReason;

    protected string Folder { get; } = Directory.CreateTempSubdirectory("headroom-sales-api-").FullName;
    public string DataDir => Path.Combine(Folder, "data");
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The running service; skips the calling test when this fixture's database cannot be had here.</summary>
    internal SalesApiProcess Service
    {
        get
        {
            if (_skipReason is not null)
            {
                Assert.Skip(_skipReason);
            }
            return _service ?? throw new InvalidOperationException("the sample service did not start");
        }
    }

    /// <summary>Where the service's signing key is, to verify its tokens and to forge expired ones.</summary>
    public abstract string KeyFile { get; }

    protected abstract Task<IEnumerable<string>?> PrepareAsync(CancellationToken ct);

    protected void SkipAll(string reason) => _skipReason = reason;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var args = await PrepareAsync(ct);
        if (args is null)
        {
            return;
        }
        _service = await SalesApiProcess.StartAsync(DataDir, args, ct);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
        Http.Dispose();
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    public RSA LoadKey()
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(KeyFile));
        return rsa;
    }

    public async Task<HttpResponseMessage> GetAsync(string path, AuthenticationHeaderValue? auth = null, Uri? server = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server ?? Service.Api, path));
        request.Headers.Authorization = auth;
        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static AuthenticationHeaderValue Basic(string email, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}:{password}")));

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    public async Task<string> TokenAsync(string email)
    {
        using var response = await GetAsync($"/v1/users/token/{DefaultKid}", Basic(email, Password));
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"token for {email}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }
}

/// <summary>The default setup: SQLite in the data folder, key generated there at first start.</summary>
public sealed class SqliteSalesApiFixture : SalesApiFixture
{
    public override string KeyFile => Path.Combine(DataDir, "keys", DefaultKid + ".pem");

    protected override Task<IEnumerable<string>?> PrepareAsync(CancellationToken ct) => Task.FromResult<IEnumerable<string>?>([]);
}

/// <summary>PostgreSQL started for the test class, and a key file given by path.</summary>
public sealed class PostgresSalesApiFixture : SalesApiFixture
{
    private PostgresServer? _postgres;

    public override string KeyFile => Path.Combine(Folder, "given-key.pem");

    protected override async Task<IEnumerable<string>?> PrepareAsync(CancellationToken ct)
    {
        if (PostgresServer.WhyUnavailable() is { } reason)
        {
            SkipAll(reason);
            return null;
        }
        using (var rsa = RSA.Create(2048))
        {
            // Owner-only, as the service demands of a key file.
            await File.WriteAllTextAsync(KeyFile, rsa.ExportPkcs8PrivateKeyPem(), ct);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        _postgres = await PostgresServer.StartAsync(ct);
        return ["--db-postgres", _postgres.ConnectionString, "--keys-path", KeyFile];
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (_postgres is not null)
            {
                await _postgres.DisposeAsync();
            }
        }
    }
}
