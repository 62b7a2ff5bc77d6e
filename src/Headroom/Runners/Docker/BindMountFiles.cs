using Headroom.Runners.Local;

namespace Headroom.Runners.Docker;

/// <summary>
/// The host files behind a container's command when it runs from bind mounts (the host's .NET, a published app):
/// the container paths of the command mapped back through the binds, so a cold start can evict them as the local
/// runner does. Files inside image layers are evicted from the layer folders (<see cref="ImageLayerFiles"/>).
/// </summary>
public static class BindMountFiles
{
    public static IReadOnlyList<string> ForTarget(ContainerTarget target)
    {
        var command = (target.Entrypoint ?? []).Concat(target.Command ?? []).ToList();
        if (command.Count == 0)
        {
            return [];
        }
        var mapped = command.Select(argument => ToHost(argument, target.Binds) ?? argument).ToList();
        return ToHost(command[0], target.Binds) is null ? [] : TargetFiles.ForCommand(mapped);
    }

    /// <summary>The host path of a container path under one of the binds; null when it is under none.</summary>
    public static string? ToHost(string containerPath, IReadOnlyList<string> binds)
    {
        foreach (var bind in binds.OrderByDescending(b => b.Split(':')[1].Length))
        {
            var parts = bind.Split(':');
            var (host, inside) = (parts[0], parts[1].TrimEnd('/'));
            if (containerPath == inside || containerPath.StartsWith(inside + "/", StringComparison.Ordinal))
            {
                return host.TrimEnd('/') + containerPath[inside.Length..];
            }
        }
        return null;
    }
}
