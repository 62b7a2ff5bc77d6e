namespace Headroom.Runners.Docker;

/// <summary>
/// What the container runner starts for each trial: an image, optionally its command, the container port that serves
/// HTTP, where it answers ready and where its runtime figures are, extra environment and read-only bind mounts.
/// </summary>
public sealed record ContainerTarget(string Image)
{
    /// <summary>Replaces the image's CMD; null keeps it.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Replaces the image's ENTRYPOINT; null keeps it.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>The container port published on a free 127.0.0.1 port for each trial; null = nothing published.</summary>
    public int? Port { get; init; }

    /// <summary>Path that answers 2xx once the target can take load (e.g. <c>/readiness</c>); null = ready once running.</summary>
    public string? ReadyPath { get; init; }

    /// <summary>Path of the runtime's figures (expvar JSON or Prometheus text), e.g. <c>/debug/vars</c>; null = none.</summary>
    public string? StatsPath { get; init; }

    /// <summary>Environment set in the container before the knob set's (which wins).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Bind mounts in the engine's form, <c>/host/path:/container/path:ro</c>.</summary>
    public IReadOnlyList<string> Binds { get; init; } = [];

    public string Describe() =>
        string.Join(' ', new[] { Image }.Concat(Entrypoint ?? []).Concat(Command ?? []));
}
