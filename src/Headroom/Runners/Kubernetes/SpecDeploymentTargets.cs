using Headroom.Load;
using Headroom.Specs;
using Headroom.Targets;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Turns a study spec's load and URLs into what the Kubernetes runner uses: each URL (readiness, stats, the load's, the
/// token's) reaches the pod through <see cref="PodAddress"/> (<c>--url</c>, else a port-forward through the client).
/// </summary>
public static class SpecDeploymentTargets
{
    public static (ITrialLoad Load, PodAddress Address, Uri? ReadyUrl, Uri? StatsUrl) ForKubernetesRunner(StudySpec spec, Uri? baseUrl)
    {
        var flags = HeyArguments.Split(spec.LoadArguments()).ToArray();
        var loadIndex = Array.FindIndex(flags, f => f.StartsWith("http://", StringComparison.Ordinal) || f.StartsWith("https://", StringComparison.Ordinal));
        if (loadIndex < 0)
        {
            throw new UserInputException($"load '{spec.Load}' has no URL; for --runner k8s give it with the pod's port, e.g. load: \"-c 10 -n 1000 http://127.0.0.1:3000/v1/users\"");
        }
        var address = PodAddress.For(baseUrl,
            [new Uri(flags[loadIndex]), Url(spec.Target.ReadyUrl), Url(spec.Target.StatsUrl), Url(spec.Target.Token?.Url)]);
        flags[loadIndex] = address.Map(new Uri(flags[loadIndex])).ToString();
        HeyArguments.Parse(flags);
        var token = spec.Target.Token is { } step ? step with { Url = address.Map(new Uri(step.Url)).ToString() } : null;
        return (new SpecTargets.TokenLoad(flags, token), address, address.Map(spec.Target.ReadyUrl), address.Map(spec.Target.StatsUrl));
    }

    private static Uri? Url(string? text) => text is null ? null : new Uri(text);
}
