using Headroom.Runners.Local;

namespace Headroom.Runners.Docker;

/// <summary>
/// The container's ports on this machine: each container port gets a free 127.0.0.1 port, chosen once for all the
/// trials of a run, and URLs written with the container's port (as a user knows the service) are rewritten to it.
/// </summary>
public static class ContainerPorts
{
    /// <summary>A free host port for each distinct container port.</summary>
    public static IReadOnlyDictionary<int, int> FreeHostPorts(IEnumerable<int> containerPorts)
    {
        var ports = new Dictionary<int, int>();
        foreach (var port in containerPorts.Distinct())
        {
            int host;
            do
            {
                host = PortCheck.FreePort();
            }
            while (ports.ContainsValue(host));
            ports[port] = host;
        }
        return ports;
    }

    /// <summary>The URL on 127.0.0.1 at the host port its container port is published on.</summary>
    public static Uri ToHost(Uri containerUrl, IReadOnlyDictionary<int, int> ports) =>
        ports.TryGetValue(containerUrl.Port, out var host)
            ? new UriBuilder(containerUrl) { Host = "127.0.0.1", Port = host }.Uri
            : throw new UserInputException($"{containerUrl} uses port {containerUrl.Port}, which the container does not publish; add it with --port");
}
