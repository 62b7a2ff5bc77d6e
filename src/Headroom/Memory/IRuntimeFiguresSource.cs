namespace Headroom.Memory;

/// <summary>
/// A background reader of the runtime's own figures (an HTTP stats endpoint, .NET event counters). The sampler takes
/// <see cref="Latest"/> at each tick, so a slow source never delays the kernel figures.
/// </summary>
public interface IRuntimeFiguresSource : IAsyncDisposable
{
    RuntimeFigures? Latest { get; }

    /// <summary>Reads once now and waits for the answer (used for the before/after figures).</summary>
    Task<RuntimeFigures?> ReadNowAsync(CancellationToken cancellationToken);

    void Start(CancellationToken cancellationToken);
}
