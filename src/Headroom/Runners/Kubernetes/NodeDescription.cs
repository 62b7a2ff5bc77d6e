using k8s;
using k8s.Autorest;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// The node a trial's pod ran on, for the trial's details: its name, kernel and container runtime (the Node's
/// <c>status.nodeInfo</c>, needing get on nodes) and the cgroup version the exec found. Mixed node pools differ in
/// all three, and <c>--parallel</c> spreads clones over nodes; each trial says which it had.
/// </summary>
public static class NodeDescription
{
    public static async Task<string?> ReadAsync(KubeConnection connection, string? node, string? cgroupVersion, CancellationToken cancellationToken)
    {
        if (node is null)
        {
            return null;
        }
        var parts = new List<string>();
        try
        {
            var info = (await connection.Client.CoreV1.ReadNodeAsync(node, cancellationToken: cancellationToken)).Status?.NodeInfo;
            if (info is not null)
            {
                parts.Add($"kernel {info.KernelVersion}");
                parts.Add(info.ContainerRuntimeVersion);
            }
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException)
        {
            // Without get on nodes: the name alone.
        }
        if (cgroupVersion is not null)
        {
            parts.Add($"cgroup {cgroupVersion}");
        }
        return parts.Count == 0 ? $"node {node}" : $"node {node} ({string.Join(", ", parts)})";
    }
}
