using Headroom.Load;
using Headroom.Specs;
using Headroom.Targets;

namespace Headroom.Runners.Docker;

/// <summary>
/// Turns a study spec's target and load into what the container runner runs: the image (the spec's, or the one given
/// on the command line), the command and environment, and every URL written with the container's ports (readiness,
/// stats, the load's, the token's) published on free 127.0.0.1 ports and rewritten to them.
/// </summary>
public static class SpecContainerTargets
{
    public static (ContainerTarget Target, ITrialLoad Load) ForContainerRunner(StudySpec spec, string? image)
    {
        var target = spec.Target;
        image ??= target.Image ?? throw new UserInputException("the container runner needs an image: target.image in the spec, or --image");
        var flags = HeyArguments.Split(spec.LoadArguments());
        var loadUrl = flags.Select((f, i) => (f, i)).FirstOrDefault(a => a.f.StartsWith("http://", StringComparison.Ordinal));
        if (loadUrl.f is null)
        {
            throw new UserInputException($"load '{spec.Load}' has no URL; for a container give the URL with the container's port, e.g. load: \"-c 10 -n 1000 http://127.0.0.1:3000/v1/users\"");
        }
        var ready = Url(target.ReadyUrl);
        var stats = Url(target.StatsUrl);
        var load = new Uri(loadUrl.f);
        var token = Url(target.Token?.Url);
        var ports = ContainerPorts.FreeHostPorts(
            target.Ports.Concat(new[] { ready, stats, load, token }.OfType<Uri>().Where(u => u.IsLoopback).Select(u => u.Port)));
        var rewritten = flags.ToArray();
        rewritten[loadUrl.i] = ContainerPorts.ToHost(load, ports).ToString();
        HeyArguments.Parse(rewritten);
        var container = new ContainerTarget(image)
        {
            Command = target.Command is null ? null : [target.Command, .. target.Args],
            Environment = target.Env,
            Ports = ports,
            ReadyUrl = ready is null ? null : ContainerPorts.ToHost(ready, ports),
            StatsUrl = stats is null ? null : ContainerPorts.ToHost(stats, ports),
        };
        var tokenStep = target.Token is { } step && token is not null && token.IsLoopback
            ? step with { Url = ContainerPorts.ToHost(token, ports).ToString() }
            : target.Token;
        return (container, new SpecTargets.TokenLoad(rewritten, tokenStep));
    }

    private static Uri? Url(string? text) => text is null ? null : new Uri(text);
}
