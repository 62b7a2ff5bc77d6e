using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Headroom.Runners.Docker;

/// <summary>
/// The labels every trial container carries, so that a later start can tell the containers of a run that was killed
/// (its owner pid is gone on this host) and remove them.
/// </summary>
public static class ContainerLabels
{
    /// <summary>The pid of the Headroom process that made the container; with <see cref="Host"/>, whether its run is alive.</summary>
    public const string Owner = "headroom.owner", Host = "headroom.host", Trial = "headroom.trial", Purpose = "headroom.purpose";

    public static Dictionary<string, string> For(int trial, string purpose) => new()
    {
        [Owner] = System.Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        [Host] = System.Environment.MachineName,
        [Trial] = trial.ToString(CultureInfo.InvariantCulture),
        [Purpose] = purpose,
    };

    /// <summary>
    /// Removes the trial containers of this host whose owner process is gone (killed with SIGKILL, machine crash).
    /// Containers of other hosts sharing the engine are left alone: their owner's pid means nothing here.
    /// Returns the names removed.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SweepStaleAsync(IDockerClient client, CancellationToken cancellationToken)
    {
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [Owner] = true } },
        }, cancellationToken);
        var removed = new List<string>();
        foreach (var container in containers)
        {
            if (!IsStale(container.Labels))
            {
                continue;
            }
            try
            {
                await client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
                removed.Add(container.Names.FirstOrDefault()?.TrimStart('/') ?? container.ID[..12]);
            }
            catch (DockerContainerNotFoundException)
            {
                // Removed by another sweep meanwhile.
            }
        }
        return removed;
    }

    public static bool IsStale(IDictionary<string, string>? labels) =>
        labels is not null &&
        labels.TryGetValue(Host, out var host) && host == System.Environment.MachineName &&
        labels.TryGetValue(Owner, out var owner) && int.TryParse(owner, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) &&
        pid != System.Environment.ProcessId && !Directory.Exists($"/proc/{pid}");
}
