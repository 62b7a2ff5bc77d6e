namespace Headroom.Tests.Experiments;

/// <summary>
/// A scripted target (outcomes a function of the request, see <see cref="ScriptedTrialExecutor"/>) behind a real
/// <see cref="TrialPool"/> of <c>slots</c> slots, each trial taking <c>trialTime</c> of real time so that trials of one
/// round overlap. Records every request, which slot ran it, and the most trials that ever ran at once.
/// </summary>
internal sealed class SlottedScriptedExecutor : IConcurrentTrialExecutor, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<TrialRequest> _requests = [];
    private readonly TrialPool _pool;
    private int _running;

    public SlottedScriptedExecutor(int slots, Func<TrialRequest, ScriptedTrial> script, TimeSpan trialTime)
    {
        _pool = new TrialPool([.. Enumerable.Range(0, slots).Select(_ => (ITrialExecutor)new Slot(this, script, trialTime))]);
    }

    public static SlottedScriptedExecutor Deterministic(int slots, double edgeMi, double? healthyMi = null) =>
        new(slots, request => ScriptedTrialExecutor.Unlimited(request) ? ScriptedTrial.Baseline
            : ScriptedTrialExecutor.Mi(request) < edgeMi ? ScriptedTrial.Failed(TrialOutcome.OomKilled)
            : ScriptedTrialExecutor.Mi(request) < (healthyMi ?? edgeMi) ? ScriptedTrial.Crawling
            : ScriptedTrial.Healthy, TimeSpan.FromMilliseconds(15));

    public int Slots => _pool.Slots;

    public int MaxRunning { get; private set; }

    /// <summary>Called as each trial starts, with its 0-based number; a test cancels here.</summary>
    public Action<int>? OnStart { get; init; }

    public IReadOnlyList<TrialRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<int> TrialsPerSlot => _pool.TrialsPerSlot;

    public Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
        _pool.RunAsync(request, progress, cancellationToken);

    public ValueTask DisposeAsync() => _pool.DisposeAsync();

    private sealed class Slot(SlottedScriptedExecutor owner, Func<TrialRequest, ScriptedTrial> script, TimeSpan trialTime) : ITrialExecutor
    {
        public async Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
        {
            int number;
            lock (owner._lock)
            {
                number = owner._requests.Count;
                owner._requests.Add(request);
                owner._running++;
                owner.MaxRunning = Math.Max(owner.MaxRunning, owner._running);
            }
            try
            {
                owner.OnStart?.Invoke(number);
                await Task.Delay(trialTime, cancellationToken);
                return script(request).ToResult(request);
            }
            finally
            {
                lock (owner._lock)
                {
                    owner._running--;
                }
            }
        }
    }
}
