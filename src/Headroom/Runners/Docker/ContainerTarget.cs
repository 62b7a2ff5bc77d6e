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

    /// <summary>Container ports published on 127.0.0.1, each to its host port (see <see cref="ContainerPorts"/>).</summary>
    public IReadOnlyDictionary<int, int> Ports { get; init; } = new Dictionary<int, int>();

    /// <summary>Answers 2xx once the target can take load, on a published host port; null = ready once running.</summary>
    public Uri? ReadyUrl { get; init; }

    /// <summary>The runtime's figures (expvar JSON or Prometheus text) on a published host port; null = none.</summary>
    public Uri? StatsUrl { get; init; }

    /// <summary>Environment set in the container before the knob set's (which wins).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Bind mounts in the engine's form, <c>/host/path:/container/path:ro</c>.</summary>
    public IReadOnlyList<string> Binds { get; init; } = [];

    public string Describe() =>
        string.Join(' ', new[] { Image }.Concat(Entrypoint ?? []).Concat(Command ?? []));
}
