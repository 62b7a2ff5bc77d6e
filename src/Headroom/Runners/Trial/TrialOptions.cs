namespace Headroom.Runners.Trial;

/// <summary>
/// What every runner's trial shares, whatever the target runs in: sampling, the readiness wait, the load window,
/// thrashing, and the watchers every run gets. Each runner's options derive from this record and add only what is
/// about where the target runs.
/// </summary>
public abstract record TrialOptions
{
    /// <summary>How often every sampler is read (100 ms).</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long to wait for the readiness URL (60 s).</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>With no load: how long the target runs after it is ready (2 s).</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest a load may run before the trial is ended; null (the default) is the baseline's bound,
    /// max(10 s, 5 × the baseline's load), or 10 min for a trial without a baseline. See <see cref="TrialBounds"/>.
    /// </summary>
    public TimeSpan? LoadTimeout { get; init; }

    /// <summary>The liveness probe of every run, from ready to stop (the readiness URL, 1 s / 1 s / 3 failures).</summary>
    public LivenessSettings Liveness { get; init; } = new();

    public ThrashingSettings Thrashing { get; init; } = new();

    /// <summary>
    /// Rules that watch every run of the target beside the thrashing detector (none by default): each is started when
    /// a run starts and stopped when its load window ends. See <see cref="ITrialWatcher"/>.
    /// </summary>
    public IReadOnlyList<ITrialWatcher> Watchers { get; init; } = [];
}
