using Headroom.Load;
using Headroom.Specs;
using Headroom.Targets;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Turns a study spec's load and URLs into what the Kubernetes runner uses: each URL (readiness, stats, the load's, the
/// token's) keeps its path and is sent to <c>--url</c>'s scheme, host and port when given (a Service's port-forward,
/// an ingress), else as written.
/// </summary>
public static class SpecDeploymentTargets
{
    public static (ITrialLoad Load, Uri? ReadyUrl, Uri? StatsUrl) ForKubernetesRunner(StudySpec spec, Uri? baseUrl)
    {
        var flags = HeyArguments.Split(spec.Load).ToArray();
        var loadIndex = Array.FindIndex(flags, f => f.StartsWith("http://", StringComparison.Ordinal) || f.StartsWith("https://", StringComparison.Ordinal));
        if (loadIndex < 0)
        {
            throw new UserInputException($"load '{spec.Load}' has no URL; for --runner k8s give the URL, e.g. load: \"-c 10 -n 1000 http://127.0.0.1:3000/v1/users\", and --url where the pod answers");
        }
        flags[loadIndex] = Rebase(new Uri(flags[loadIndex]), baseUrl).ToString();
        HeyArguments.Parse(flags);
        var token = spec.Target.Token is { } step ? step with { Url = Rebase(new Uri(step.Url), baseUrl).ToString() } : null;
        return (new SpecTargets.TokenLoad(flags, token), Rebase(spec.Target.ReadyUrl, baseUrl), Rebase(spec.Target.StatsUrl, baseUrl));
    }

    /// <summary><paramref name="url"/>'s path and query on <paramref name="baseUrl"/>'s scheme, host and port.</summary>
    public static Uri Rebase(Uri url, Uri? baseUrl) => baseUrl is null
        ? url
        : new UriBuilder(url) { Scheme = baseUrl.Scheme, Host = baseUrl.Host, Port = baseUrl.Port }.Uri;

    public static Uri? Rebase(string? url, Uri? baseUrl) => url is null ? null : Rebase(new Uri(url), baseUrl);
}
