namespace Headroom.Runners.Local;

/// <summary>
/// How to start the target for one trial: its argument list, environment, where it answers and which files are its
/// own (to evict from the page cache for a cold start).
/// </summary>
public sealed record TargetLaunch(IReadOnlyList<string> Command)
{
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    public string? WorkingDirectory { get; init; }

    /// <summary>Answers 2xx once the target can take load; null = ready as soon as it runs.</summary>
    public Uri? ReadyUrl { get; init; }

    /// <summary>The runtime's own memory figures (expvar JSON or Prometheus text); null = none.</summary>
    public Uri? StatsUrl { get; init; }

    /// <summary>Files to evict from the page cache before a cold start; empty = work them out from the command.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>A folder made for this trial (e.g. a fresh data directory) and deleted after it.</summary>
    public string? ScratchDirectory { get; init; }
}
