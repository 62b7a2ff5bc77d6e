namespace Headroom.Tests.Experiments;

/// <summary>
/// An <see cref="ITrialExecutor"/> whose outcomes are a function of the request (a scripted target), recording every
/// request it was asked to run. Stands in for the runner in tests of the experiment logic only.
/// </summary>
internal sealed class ScriptedTrialExecutor(Func<TrialRequest, int, ScriptedTrial> script) : ITrialExecutor
{
    public static readonly TimeSpan TrialWallTime = TimeSpan.FromSeconds(5);

    private readonly List<TrialRequest> _requests = [];

    public IReadOnlyList<TrialRequest> Requests => _requests;

    /// <summary>Called before each trial with its 0-based number; a test cancels here to interrupt a study.</summary>
    public Action<int>? BeforeTrial { get; init; }

    public Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        BeforeTrial?.Invoke(_requests.Count);
        cancellationToken.ThrowIfCancellationRequested();
        var trial = script(request, _requests.Count);
        _requests.Add(request);
        return Task.FromResult(trial.ToResult(request));
    }

    /// <summary>A target that survives from <paramref name="edgeMi"/> up, runs at full speed from <paramref name="healthyMi"/>
    /// up and crawls in between; fails below the edge with <paramref name="failure"/>.</summary>
    public static ScriptedTrialExecutor Deterministic(double edgeMi, double? healthyMi = null, TrialOutcome failure = TrialOutcome.OomKilled) =>
        new((request, _) => Unlimited(request) ? ScriptedTrial.Baseline
            : Mi(request) < edgeMi ? ScriptedTrial.Failed(failure)
            : Mi(request) < (healthyMi ?? edgeMi) ? ScriptedTrial.Crawling
            : ScriptedTrial.Healthy);

    public static bool Unlimited(TrialRequest request) => request.Limit is null;

    public static double Mi(TrialRequest request) => request.Limit!.Value.Mebibytes;
}

/// <summary>One scripted trial's outcome and figures.</summary>
internal sealed record ScriptedTrial(TrialOutcome Outcome, double RequestsPerSecond, double P99Milliseconds, TrialMemorySummary? Memory = null)
{
    /// <summary>Shaped after the Go twin in notes/measurements.md: anon 7.4 MiB + 6.7 MiB binary, Sys 17.2, HeapSys 7.6.</summary>
    public static readonly TrialMemorySummary GoLikeMemory = new(
        PeakChargedBytes: MemoryQuantity.FromMebibytes(14.1).Bytes,
        PeakAnonBytes: MemoryQuantity.FromMebibytes(7.4).Bytes,
        PeakFileBytes: MemoryQuantity.FromMebibytes(6.7).Bytes,
        MajorFaults: 3,
        RuntimeSysBytes: MemoryQuantity.FromMebibytes(17.2).Bytes,
        RuntimeHeapAllocBytes: MemoryQuantity.FromMebibytes(1.0).Bytes,
        RuntimeHeapSysBytes: MemoryQuantity.FromMebibytes(7.6).Bytes,
        GcCount: 120);

    public static readonly ScriptedTrial Baseline = new(TrialOutcome.Survived, 10_000, 4, GoLikeMemory);
    public static readonly ScriptedTrial Healthy = new(TrialOutcome.Survived, 9_800, 4.5);
    public static readonly ScriptedTrial Crawling = new(TrialOutcome.Survived, 700, 60);

    public static ScriptedTrial Failed(TrialOutcome outcome) => new(outcome, 0, 0);

    public TrialResult ToResult(TrialRequest request)
    {
        var load = Outcome == TrialOutcome.Survived
            ? new TrialLoadSummary(1000, 1000, 0, RequestsPerSecond, TimeSpan.FromMilliseconds(P99Milliseconds / 3),
                TimeSpan.FromMilliseconds(P99Milliseconds), TimeSpan.FromMilliseconds(P99Milliseconds * 2),
                TimeSpan.FromSeconds(1000 / RequestsPerSecond))
            : null;
        var evidence = Outcome switch
        {
            TrialOutcome.Survived => "served 1000 requests",
            TrialOutcome.OomKilled => "oom_kill 0 -> 1, exit 137",
            TrialOutcome.Thrashing => "major faults 12 -> 48211 while requests stalled at 3/s",
            _ => Outcome.ToKebab(),
        };
        var memory = Memory ?? new TrialMemorySummary(request.Limit?.Bytes, null, null, null, null, null, null, null);
        return new TrialResult(request, Outcome, evidence, load, memory, 0, ScriptedTrialExecutor.TrialWallTime);
    }
}
