using System.CommandLine;
using Headroom.Runners;
using Headroom.Runners.Kubernetes;
using Headroom.Runners.Local;

namespace Headroom.Cli.Commands;

/// <summary>
/// The Kubernetes runner's flags (<c>--runner k8s --deployment deployment/NAME -c CONTAINER</c>), for every command
/// that runs trials. The trial's URLs (--ready, --stats, the load's) are sent to <c>--url</c> when given: the address
/// where the Deployment's pods answer from here (a port-forward to its Service, an ingress).
/// </summary>
internal static class KubernetesRunnerOptions
{
    public static readonly Option<string> Deployment = new("--deployment") { Description = "With --runner k8s: the Deployment trials patch, deployment/NAME." };

    public static readonly Option<string> Container = new("--container", "-c") { Description = "With --runner k8s: the container in the Deployment whose memory is set." };

    public static readonly Option<string> Namespace = new("--namespace") { Description = "With --runner k8s: the namespace (default: the context's, else default)." };

    public static readonly Option<string> Context = new("--context") { Description = "With --runner k8s: the kubeconfig context (default: the current one)." };

    public static readonly Option<string> Url = new("--url") { Description = "With --runner k8s: where the trial's pod answers from here (an ingress or a LoadBalancer that follows the Deployment's new pod; not kubectl port-forward svc/..., which binds one pod and loses the next trial's); the trial's URLs keep their paths. Default: URLs on 127.0.0.1 name the pod's port, forwarded through the API server to each trial's pod (slower than in-cluster traffic: fewer requests, so less allocation than in production)." };

    public static readonly Option<double> RolloutTimeout = new("--rollout-timeout") { Description = "With --runner k8s: seconds a trial's rollout may take (300); a pod that cannot start (CrashLoopBackOff, ImagePullBackOff, unschedulable, refused by a quota) ends it at once.", DefaultValueFactory = _ => 300 };

    public static readonly Option<bool> AllowLiveReplicas = new("--allow-live-replicas") { Description = "With --runner k8s: patch a Deployment with more than one replica (each serves real traffic at the trial's limit; only one is measured). Refused otherwise; --parallel uses clones instead." };

    public static readonly Option<bool> AllowServiceTraffic = new("--allow-service-traffic") { Description = "With --runner k8s: patch a Deployment whose pods a Service in the namespace selects (they serve its real traffic at each trial's limit). Refused otherwise; --parallel uses clones, which no Service selects." };

    public static readonly Option<bool> AllowAutoscaler = new("--allow-autoscaler") { Description = "With --runner k8s: patch a Deployment that a HorizontalPodAutoscaler scales (its utilization is relative to the request each trial changes, so it would add or remove replicas during the study). Refused otherwise; --parallel uses clones, which are not its target." };

    public static readonly Option<bool> AllowGitOps = new("--allow-gitops") { Description = "With --runner k8s: patch a Deployment that Argo CD or Flux applied (recognised by their tracking annotation or labels; with self-heal they may revert a trial's patch mid-trial). Refused otherwise; pause its sync/self-heal, or --parallel uses clones, which are not in Git." };

    public static readonly Option<bool> ClonePvcAsEmptyDir = new("--clone-pvc-as-emptydir") { Description = "With --parallel: give each clone an emptyDir where the Deployment mounts a PersistentVolumeClaim (refused otherwise: Multi-Attach, or clones writing its data)." };

    public static IEnumerable<Option> All => [Deployment, Container, Namespace, Context, Url, RolloutTimeout, AllowLiveReplicas, AllowServiceTraffic, AllowAutoscaler, AllowGitOps, ClonePvcAsEmptyDir];

    public static bool IsKubernetes(ParseResult parsed) => parsed.GetValue(ContainerRunnerOptions.Runner) == "k8s";

    public static Uri? BaseUrl(ParseResult parsed) => parsed.GetValue(Url) is not { } text
        ? null
        : Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new UserInputException($"--url '{text}' is not an http:// URL; e.g. --url http://127.0.0.1:3000");

    private static Uri? HttpUrl(string? text, string flag) => text is null
        ? null
        : Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new UserInputException($"{flag} '{text}' is not an http:// URL; use the pod's port, e.g. http://127.0.0.1:3000/v1/readiness");

    public static DeploymentTarget Target(ParseResult parsed)
    {
        var deployment = parsed.GetValue(Deployment) ?? throw new UserInputException("--runner k8s needs --deployment deployment/NAME and -c CONTAINER");
        var container = parsed.GetValue(Container) ?? throw new UserInputException("--runner k8s needs -c CONTAINER (the container in the Deployment)");
        return new DeploymentTarget(DeploymentTarget.ParseName(deployment, "--deployment"), container);
    }

    public static KubeConnection Connect(ParseResult parsed) => KubeConnection.Open(parsed.GetValue(Context), parsed.GetValue(Namespace));

    public static K8sRunnerOptions RunnerOptions(LocalRunnerOptions local, PodAddress address, Uri? ready, Uri? stats, ParseResult? parsed = null) => new()
    {
        RolloutTimeout = parsed?.GetValue(RolloutTimeout) is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(5),
        AllowLiveReplicas = parsed?.GetValue(AllowLiveReplicas) ?? false,
        AllowServiceTraffic = parsed?.GetValue(AllowServiceTraffic) ?? false,
        AllowAutoscaler = parsed?.GetValue(AllowAutoscaler) ?? false,
        AllowGitOps = parsed?.GetValue(AllowGitOps) ?? false,
        PvcAsEmptyDir = parsed?.GetValue(ClonePvcAsEmptyDir) ?? false,
        ReadyTimeout = local.ReadyTimeout,
        Hold = local.Hold,
        Liveness = local.Liveness,
        LoadTimeout = local.LoadTimeout,
        ReadyUrl = ready,
        StatsUrl = stats,
        PortForwards = address.PortForwards,
    };

    /// <summary>The executor for <c>headroom run --runner k8s</c>; the caller disposes it (which restores the Deployment).</summary>
    public static K8sTrialExecutor Create(ParseResult parsed, string? ready, string? stats, string? heyArguments, LocalRunnerOptions local)
    {
        var target = Target(parsed);
        var flags = heyArguments is null ? [] : Load.HeyArguments.Split(heyArguments).ToArray();
        var at = Array.FindIndex(flags, f => f.StartsWith("http://", StringComparison.Ordinal) || f.StartsWith("https://", StringComparison.Ordinal));
        var readyUrl = HttpUrl(ready, "--ready");
        var statsUrl = HttpUrl(stats, "--stats");
        var address = PodAddress.For(BaseUrl(parsed), [readyUrl, statsUrl, at >= 0 ? new Uri(flags[at]) : null]);
        if (at >= 0)
        {
            flags[at] = address.Map(new Uri(flags[at])).ToString();
        }
        var load = heyArguments is null ? null : new HeyLoad(Load.HeyArguments.Parse(flags));
        var options = RunnerOptions(local, address, readyUrl is null ? null : address.Map(readyUrl), statsUrl is null ? null : address.Map(statsUrl), parsed);
        return new K8sTrialExecutor(Connect(parsed), target, load, options);
    }

    /// <summary>The experiments' executors for <c>--runner k8s</c>: the spec's load against the Deployment's pods.</summary>
    public static ITrialExecutorFactory Factory(ParseResult parsed) => new KubernetesRunnerFactory(parsed);

    private sealed class KubernetesRunnerFactory(ParseResult parsed) : ITrialExecutorFactory
    {
        public Trials.ITrialExecutor Create(Specs.StudySpec spec)
        {
            if (spec.Parallel is > 1 and var parallel)
            {
                return new DeploymentClonePool(Connect(parsed), Target(parsed), CloneSlots(spec, parallel));
            }
            var (load, address, ready, stats) = SpecDeploymentTargets.ForKubernetesRunner(spec, BaseUrl(parsed));
            return new K8sTrialExecutor(Connect(parsed), Target(parsed), load,
                RunnerOptions(new LocalRunnerOptions { Liveness = spec.Liveness ?? new(), LoadTimeout = spec.LoadTimeout }, address, ready, stats, parsed) with { StudyKnobs = [.. KnobSetsOf(spec)] });
        }

        /// <summary>Every knob set the study may use (its own, the floor's, and the presets): each trial takes all their variables out but its own.</summary>
        private static IEnumerable<Knobs.KnobSet> KnobSetsOf(Specs.StudySpec spec) =>
            spec.MatrixKnobSets().Concat(spec.FloorKnobSet() is { } floor ? [floor] : []).Concat(Knobs.KnobPresets.All);

        /// <summary>Each clone's load and port-forwards, on local ports no other clone uses.</summary>
        private List<CloneSlotSettings> CloneSlots(Specs.StudySpec spec, int parallel)
        {
            var slots = new List<CloneSlotSettings>();
            var used = new HashSet<int>();
            for (var attempt = 0; slots.Count < parallel; attempt++)
            {
                var (load, address, ready, stats) = SpecDeploymentTargets.ForKubernetesRunner(spec, null);
                if (address.Forwards.Values.Any(used.Contains) && attempt < 10 * parallel)
                {
                    continue;
                }
                used.UnionWith(address.Forwards.Values);
                slots.Add(new CloneSlotSettings(load, RunnerOptions(new LocalRunnerOptions { Liveness = spec.Liveness ?? new(), LoadTimeout = spec.LoadTimeout }, address, ready, stats, parsed) with { StudyKnobs = [.. KnobSetsOf(spec)] }));
            }
            return slots;
        }

        public Func<Trials.TrialResult, string, CancellationToken, Task>? SaveSamples { get; } =
            (result, path, cancellationToken) => Memory.SampleSeries.WriteAsync(path, result.Details.Samples, cancellationToken);
    }
}
