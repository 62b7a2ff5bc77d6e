using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Headroom.Runners.Docker;

/// <summary>The last lines a container's run wrote: stderr's last 20, then stdout's last 5, as the local runner keeps them.</summary>
internal static class ContainerLogs
{
    public static async Task<IReadOnlyList<string>> TailAsync(IDockerClient client, string containerId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        using var logs = await client.Containers.GetContainerLogsAsync(containerId, tty: false, new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Tail = "200",
            Since = (since.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture),
        }, cancellationToken);
        var (stdout, stderr) = await logs.ReadOutputToEndAsync(cancellationToken);
        static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'));
        return [.. Lines(stderr).TakeLast(20), .. Lines(stdout).TakeLast(5)];
    }
}
