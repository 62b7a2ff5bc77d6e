using System.Net;
using System.Net.Http.Headers;
using k8s;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// A 401 means the API server refused the credentials before it ran anything: a token from an exec plugin (EKS, GKE,
/// AKS, OIDC logins) or a token file that expired or was revoked mid-study, before the expiry the client was told.
/// client-go's exec authenticator then runs the plugin again (<c>plugin/pkg/client/auth/exec/exec.go</c>, its round
/// tripper's refresh on <c>http.StatusUnauthorized</c>; KEP-541 "Invalid credentials before cache expiry"). Here the
/// configuration is built again from the kubeconfig (the exec plugin run again, the token file read again), the refused
/// request is sent once more with the fresh credentials, and every later request carries them. A 401 with fresh
/// credentials, or a refresh that yields the same ones, goes to the caller: those credentials have really expired.
/// </summary>
public sealed class FreshCredentialsHandler(Func<KubernetesClientConfiguration> reload) : DelegatingHandler
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private AuthenticationHeaderValue? _fresh;
    private int _refreshes;

    /// <summary>How many times the credentials were read again after a 401 (for the tests).</summary>
    public int Refreshes => Volatile.Read(ref _refreshes);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        if (Volatile.Read(ref _fresh) is { } fresh)
        {
            request.Headers.Authorization = fresh;
        }
        var sent = request.Headers.Authorization?.ToString();
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || await RefreshAsync(sent, cancellationToken) is not { } header)
        {
            return response;
        }
        response.Dispose();
        using var again = RetryingHandler.Copy(request, body);
        again.Headers.Authorization = header;
        return await base.SendAsync(again, cancellationToken);
    }

    /// <summary>
    /// Fresh credentials for a request refused with <paramref name="sent"/>, or null when the kubeconfig yields the same
    /// (or none). Requests refused together share one refresh: one that comes after it uses what it got.
    /// </summary>
    private async Task<AuthenticationHeaderValue?> RefreshAsync(string? sent, CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (_fresh is { } current && current.ToString() != sent)
            {
                return current;
            }
            AuthenticationHeaderValue? header;
            try
            {
                header = await HeaderAsync(reload(), cancellationToken);
            }
            catch (Exception e) when (e is UserInputException or k8s.Exceptions.KubeConfigException or IOException)
            {
                // The kubeconfig can no longer be read: the caller gets the 401, and its one-line error.
                return null;
            }
            if (header is null || header.ToString() == sent)
            {
                return null;
            }
            Interlocked.Increment(ref _refreshes);
            Volatile.Write(ref _fresh, header);
            return header;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>The Authorization header the configuration's credentials make (a bearer token, or basic auth), or null (a client certificate).</summary>
    private static async Task<AuthenticationHeaderValue?> HeaderAsync(KubernetesClientConfiguration config, CancellationToken cancellationToken)
    {
        if (config.TokenProvider is { } provider)
        {
            return await provider.GetAuthenticationHeaderAsync(cancellationToken);
        }
        if (!string.IsNullOrEmpty(config.AccessToken))
        {
            return new AuthenticationHeaderValue("Bearer", config.AccessToken);
        }
        return string.IsNullOrEmpty(config.Username)
            ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{config.Username}:{config.Password}")));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _refreshing.Dispose();
        }
        base.Dispose(disposing);
    }
}
