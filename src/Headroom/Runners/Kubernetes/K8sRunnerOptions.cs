using Headroom.Runners.Trial;

namespace Headroom.Runners.Kubernetes;

/// <summary>How the Kubernetes runner runs each trial. Intervals are short enough for a kind cluster.</summary>
public sealed record K8sRunnerOptions : TrialOptions
{
    /// <summary>Memory is sampled from the runtime's stats URL every second: each read is a request through the cluster's network.</summary>
    public K8sRunnerOptions()
    {
        SampleInterval = TimeSpan.FromSeconds(1);
    }

    /// <summary>The longest a rollout may take before the trial ends as not started (5 min).</summary>
    public TimeSpan RolloutTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the Deployment and the pod are read while waiting and during the load (1 s).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the container's cgroup files are read through <c>exec</c> (1 s; each read is one <c>cat</c> in the
    /// container); null: not at all.
    /// </summary>
    public TimeSpan? CgroupInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often <c>metrics.k8s.io</c> is asked for the pod's working set (5 s; metrics-server's own window is 15–60 s); null: not at all.</summary>
    public TimeSpan? MetricsInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest the restore at the end (or on Ctrl+C) may take (30 s).</summary>
    public TimeSpan RestoreTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Puts the Deployment's saved container back at the end and on cancellation (true). False for Headroom's own
    /// clones (<c>--parallel</c>), which are deleted instead.
    /// </summary>
    public bool RestoreOriginal { get; init; } = true;

    /// <summary>Where the pod answers: readiness, stats (null = none); the load's own URL is in the load.</summary>
    public Uri? ReadyUrl { get; init; }

    public Uri? StatsUrl { get; init; }

    /// <summary>
    /// Ports forwarded through the client to the trial's pod, as <c>kubectl port-forward</c>: 127.0.0.1:local → the
    /// pod's remote port. Empty when the pods are reached another way (<c>--url</c>).
    /// </summary>
    public IReadOnlyList<(int Local, int Remote)> PortForwards { get; init; } = [];
}
