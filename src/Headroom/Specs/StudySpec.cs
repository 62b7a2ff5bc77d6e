using Headroom.Experiments;
using Headroom.Knobs;
using Headroom.Limits;

namespace Headroom.Specs;

/// <summary>How to get a token before the load (the sample's <c>make token</c>): basic auth against a URL, the token
/// read from a field of the JSON answer and sent as a bearer token.</summary>
public sealed record TokenStep(string Url, string? User, string? Password, string Field);

/// <summary>The service under test and how to start and reach it: a command (with args), a container image, or a
/// bundled sample (none of them: the C# sample).</summary>
public sealed record TargetSpec
{
    /// <summary>A bundled sample by name (<c>sales-api</c>, <c>go</c>) when there is no command or image; null = sales-api.</summary>
    public string? Sample { get; init; }
    public string? Command { get; init; }
    public IReadOnlyList<string> Args { get; init; } = [];
    public string? Image { get; init; }
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<int> Ports { get; init; } = [];
    public string? ReadyUrl { get; init; }
    public string? StatsUrl { get; init; }
    /// <summary>Files and folders evicted before each cold start besides those found (null: none; kept null so older study folders keep their spec hash).</summary>
    public IReadOnlyList<string>? Files { get; init; }
    public TokenStep? Token { get; init; }
}

/// <summary>
/// A study as <c>headroom.yaml</c> describes it. Everything but the target has the CLI's defaults; the options of
/// each experiment come from here (<see cref="EdgeOptions"/>, <see cref="MatrixOptions"/>).
/// </summary>
public sealed record StudySpec
{
    public const double DefaultMargin = 0.25;
    public const string DefaultLoad = "-c 10 -n 1000";

    public string Name { get; init; } = "study";
    public TargetSpec Target { get; init; } = new();
    /// <summary>hey's arguments (<c>-c 10 -n 1000</c>); the URL is the target's.</summary>
    public string Load { get; init; } = DefaultLoad;
    /// <summary>The statuses that count as a success (<c>200,404</c>); null: 2xx and 3xx (kept null so older study folders keep their spec hash).</summary>
    public string? Expect { get; init; }

    /// <summary>hey's arguments for every trial's load: <see cref="Load"/> with <c>--expect</c> when <see cref="Expect"/> is set.</summary>
    public string LoadArguments() => Expect is null ? Load : $"{Load} --expect {Expect}";

    /// <summary>Matrix limits; empty: the edge, the runtime's Sys, 2x and 4x the edge.</summary>
    public IReadOnlyList<MemoryQuantity> Limits { get; init; } = [];
    /// <summary>Matrix knob sets; empty: none and the runtime's preset.</summary>
    public IReadOnlyList<KnobSet> KnobSets { get; init; } = [];
    /// <summary>The floor's knob set; null: the runtime's preset.</summary>
    public KnobSet? FloorKnobs { get; init; }
    public int Repeats { get; init; } = Experiments.MatrixOptions.DefaultRepeats;
    public MemoryQuantity Resolution { get; init; } = EdgeSearchOptions.DefaultResolution;
    public int Confirm { get; init; } = EdgeSearchOptions.DefaultConfirm;
    public double Healthy { get; init; } = EdgeSearchOptions.DefaultHealthy;
    public double Margin { get; init; } = DefaultMargin;
    public MemoryQuantity? Min { get; init; }
    public MemoryQuantity? Max { get; init; }
    public TargetRuntime? Runtime { get; init; }
    /// <summary>The edge search's strategy; null: bisect (kept null so older study folders keep their spec hash).</summary>
    public EdgeStrategy? Strategy { get; init; }
    /// <summary>
    /// Unlimited runs whose median req/s and p99 the healthy edge is judged against (one short run varies by up to
    /// 30 % on a shared machine). Null: one run, as study folders recorded before this setting have.
    /// </summary>
    public int? BaselineRuns { get; init; }

    /// <summary>What a new study uses when neither the spec file nor the command line sets <see cref="BaselineRuns"/>.</summary>
    public const int DefaultBaselineRuns = 3;
    /// <summary>
    /// Trials run at once (the Kubernetes runner's <c>--parallel</c>: one clone of the Deployment each). The searches
    /// form their batches from it, so it is part of the plan. Null: one at a time (kept null so older study folders
    /// keep their spec hash).
    /// </summary>
    public int? Parallel { get; init; }

    /// <summary>True: leave the page cache as it is before each trial (no cold start); null: cold, as older study folders ran.</summary>
    public bool? Warm { get; init; }

    /// <summary>Every trial's liveness probe (<c>liveness:</c>, <c>--liveness</c>); null: the readiness URL, 1 s / 1 s / 3.</summary>
    public Runners.Trial.LivenessSettings? Liveness { get; init; }

    /// <summary>The longest one trial's load may run (<c>loadTimeout:</c>, <c>--load-timeout</c>); null: max(10 s, 5 × the baseline's load).</summary>
    public TimeSpan? LoadTimeout { get; init; }

    /// <summary>The local runner's CPU quota in CPUs (0.25 = Kubernetes' 250m); null = no CPU limit.</summary>
    public double? Cpus { get; init; }

    public EdgeSearchOptions EdgeOptions() => new()
    {
        Resolution = Resolution,
        Confirm = Confirm,
        Healthy = Healthy,
        Min = Min,
        Max = Max,
        LeastStart = EdgeSearchOptions.DefaultLeastStart,
        Strategy = Strategy ?? EdgeStrategy.Bisect,
    };

    public MatrixOptions MatrixOptions() => new() { Repeats = Repeats };

    /// <summary>The matrix's knob sets: as given, or <c>none</c> and the runtime's preset.</summary>
    public IReadOnlyList<KnobSet> MatrixKnobSets() =>
        KnobSets.Count > 0 ? KnobSets
        : Runtime is { } runtime ? [KnobSet.None, runtime.Preset()]
        : [KnobSet.None];

    /// <summary>The floor's knob set: as given, the runtime's preset, or null (no floor without a knob).</summary>
    public KnobSet? FloorKnobSet() => FloorKnobs ?? Runtime?.Preset();
}
