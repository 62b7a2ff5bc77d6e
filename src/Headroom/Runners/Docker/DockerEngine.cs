using Docker.DotNet;

namespace Headroom.Runners.Docker;

/// <summary>
/// Connects to a Docker Engine API: <c>DOCKER_HOST</c> or the default socket. Podman's Docker-compatible socket
/// (<c>podman system service</c>) answers the same calls.
/// </summary>
public static class DockerEngine
{
    public const string DefaultSocket = "unix:///var/run/docker.sock";

    /// <summary>The endpoint given, else <c>DOCKER_HOST</c>, else the default socket.</summary>
    public static Uri Resolve(Uri? endpoint)
    {
        if (endpoint is not null)
        {
            return endpoint;
        }
        var fromEnvironment = System.Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new Uri(DefaultSocket);
        }
        return Uri.TryCreate(fromEnvironment, UriKind.Absolute, out var uri)
            ? uri
            : throw new UserInputException($"DOCKER_HOST '{fromEnvironment}' is not a URL; use unix:///path/to/docker.sock or tcp://host:port");
    }

    /// <summary>A client that has answered a ping, or a one-line <see cref="UserInputException"/> saying what to start.</summary>
    public static async Task<DockerClient> ConnectAsync(Uri? endpoint, CancellationToken cancellationToken)
    {
        var uri = Resolve(endpoint);
        if (uri.Scheme == "unix" && !File.Exists(uri.LocalPath))
        {
            throw new UserInputException(
                $"no container engine socket at {uri.LocalPath}; start an engine (scripts/start-docker) and set DOCKER_HOST to its socket");
        }
        // The client owns its configuration and disposes it.
        var configuration = new DockerClientConfiguration(uri, defaultTimeout: TimeSpan.FromSeconds(100));
        var client = configuration.CreateClient();
        try
        {
            using var ping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            ping.CancelAfter(TimeSpan.FromSeconds(10));
            await client.System.PingAsync(ping.Token);
            return client;
        }
        catch (Exception e) when (e is HttpRequestException or DockerApiException or IOException or TimeoutException
                                      or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new UserInputException(
                $"the container engine at {uri} does not answer ({e.Message.TrimEnd('.')}); start it (scripts/start-docker) or set DOCKER_HOST");
        }
    }
}
