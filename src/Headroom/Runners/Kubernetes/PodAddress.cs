using Headroom.Runners.Docker;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// How the trial's URLs reach the pod. With a base URL (<c>--url</c>: a Service's port-forward, an ingress) each URL
/// keeps its path on that scheme, host and port. Without one, a URL on 127.0.0.1 names the pod's port, as the
/// container runner's do: each such port is forwarded through the client from a free local port, and the URL
/// rewritten to it. Other URLs are used as written.
/// </summary>
public sealed record PodAddress(Uri? BaseUrl, IReadOnlyDictionary<int, int> Forwards)
{
    public static PodAddress For(Uri? baseUrl, IEnumerable<Uri?> urls) => baseUrl is not null
        ? new PodAddress(baseUrl, new Dictionary<int, int>())
        : new PodAddress(null, ContainerPorts.FreeHostPorts(urls.OfType<Uri>().Where(u => u.IsLoopback).Select(u => u.Port)));

    /// <summary>Local port → the pod's port, for <see cref="K8sRunnerOptions.PortForwards"/>.</summary>
    public IReadOnlyList<(int Local, int Remote)> PortForwards => [.. Forwards.Select(f => (f.Value, f.Key))];

    public Uri Map(Uri url) => BaseUrl is { } b
        ? new UriBuilder(url) { Scheme = b.Scheme, Host = b.Host, Port = b.Port }.Uri
        : url.IsLoopback && Forwards.TryGetValue(url.Port, out var local)
            ? new UriBuilder(url) { Host = "127.0.0.1", Port = local }.Uri
            : url;

    public Uri? Map(string? url) => url is null ? null : Map(new Uri(url));
}
