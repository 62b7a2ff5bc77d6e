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

    /// <summary>
    /// The longest a rollout may take before the trial ends as not started (5 min, <c>--rollout-timeout</c>); a rollout
    /// the cluster says cannot finish (the new pod crash-looping, its image not pulled, unschedulable, the
    /// ReplicaSet refused) ends the wait at once.
    /// </summary>
    public TimeSpan RolloutTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the Deployment and the pod are read while waiting and during the load (1 s).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the container's cgroup files are read through <c>exec</c> (5 s; each read is one <c>cat</c> in the
    /// container, charged to its memory cgroup); null: not at all.
    /// </summary>
    public TimeSpan? CgroupInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest one <c>exec</c> may take before it is given up (5 s): a stuck exec must not hang the trial.</summary>
    public TimeSpan ExecTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Below this container limit (32 MiB) no <c>exec</c> is run: its <c>cat</c> (and the runtime's exec helper) is
    /// charged to the container's cgroup, may be OOM-killed itself and, with cgroup v2's <c>memory.oom.group</c>, take
    /// the app with it; it also raises <c>memory.peak</c>. The kubelet's summary still reads the container.
    /// </summary>
    public long ExecMinLimitBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>
    /// How often the kubelet's Summary API (<c>nodes/NODE/proxy/stats/summary</c>) is read for the container's usage,
    /// working set, RSS and major faults (5 s; the kubelet refreshes them about every 10 s); null: not at all.
    /// </summary>
    public TimeSpan? SummaryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often <c>metrics.k8s.io</c> is asked for the pod's working set (5 s; metrics-server's own window is 15–60 s); null: not at all.</summary>
    public TimeSpan? MetricsInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest the restore at the end (or on Ctrl+C) may take (30 s).</summary>
    public TimeSpan RestoreTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Puts the Deployment's saved container back at the end and on cancellation (true). False for Headroom's own
    /// clones (<c>--parallel</c>), which are deleted instead.
    /// </summary>
    public bool RestoreOriginal { get; init; } = true;

    /// <summary>
    /// This run's id, saved with the Deployment's original (<see cref="SavedOriginal.Run"/>): a Deployment that
    /// holds another run's saved original is refused (it is patched now), and so are two runs at once.
    /// </summary>
    public string RunId { get; init; } = NewRunId();

    /// <summary>Every knob set of the study: each trial takes their variables out of the container's env, except its own (all presets).</summary>
    public IReadOnlyList<Knobs.KnobSet> StudyKnobs { get; init; } = Knobs.KnobPresets.All;

    /// <summary>
    /// Patch a Deployment with more than one replica (<c>--allow-live-replicas</c>; false): each of them would serve
    /// real traffic at the trial's limit. Headroom's clones (<c>--parallel</c>) have one replica and no Service.
    /// </summary>
    public bool AllowLiveReplicas { get; init; }

    /// <summary>
    /// Patch a Deployment whose pods a Service in the namespace selects (<c>--allow-service-traffic</c>; false): they
    /// would serve its real traffic at each trial's limit (<see cref="ServiceSelection"/>). Clones are not checked:
    /// their labels drop the Deployment's selector.
    /// </summary>
    public bool AllowServiceTraffic { get; init; }

    /// <summary>
    /// Patch a Deployment that a HorizontalPodAutoscaler scales (<c>--allow-autoscaler</c>; false): its utilization is
    /// relative to the request each trial changes (<see cref="Autoscalers"/>). Clones are not its target.
    /// </summary>
    public bool AllowAutoscaler { get; init; }

    /// <summary>
    /// Patch a Deployment that Argo CD or Flux applied (<c>--allow-gitops</c>; false): with self-heal it may revert a
    /// trial's patch (<see cref="GitOpsOwners"/>). Clones are not in Git.
    /// </summary>
    public bool AllowGitOps { get; init; }

    /// <summary>
    /// <c>--clone-pvc-as-emptydir</c>: give <c>--parallel</c> clones an emptyDir where the Deployment mounts a
    /// PersistentVolumeClaim (refused otherwise).
    /// </summary>
    public bool PvcAsEmptyDir { get; init; }

    /// <summary>How often a <c>--parallel</c> run renews its <see cref="RunLease"/> (20 s; the lease lasts 60 s).</summary>
    public TimeSpan LeaseRenewInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How many times a trial whose pod the cluster took away (deleted, drained, preempted) is run again (2).</summary>
    public int InterruptedReruns { get; init; } = 2;

    /// <summary>A run id: the host, the process and the start time, so a person reading the annotation can find the run.</summary>
    public static string NewRunId() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{System.Environment.MachineName.ToLowerInvariant()}-{System.Environment.ProcessId}-{DateTimeOffset.UtcNow:yyyyMMddTHHmmss}-{Random.Shared.Next(0x10000):x4}");

    /// <summary>Where the pod answers: readiness, stats (null = none); the load's own URL is in the load.</summary>
    public Uri? ReadyUrl { get; init; }

    public Uri? StatsUrl { get; init; }

    /// <summary>
    /// Ports forwarded through the client to the trial's pod, as <c>kubectl port-forward</c>: 127.0.0.1:local → the
    /// pod's remote port. Empty when the pods are reached another way (<c>--url</c>).
    /// </summary>
    public IReadOnlyList<(int Local, int Remote)> PortForwards { get; init; } = [];
}
