namespace Headroom.Memory;

/// <summary>
/// Lets a caller watch every memory sample of the trials it starts, as they are taken (a live view on a terminal),
/// without a runner knowing about it: a <see cref="MemorySampler"/> made inside <see cref="Observe"/>'s async flow
/// passes each sample to the observer. Scoped by async flow, so parallel callers (tests) never see each other's.
/// </summary>
public static class LiveSamples
{
    private static readonly AsyncLocal<Action<MemorySample>?> s_observer = new();

    /// <summary>The observer for samplers made in this async flow, or null.</summary>
    public static Action<MemorySample>? Current => s_observer.Value;

    /// <summary>Samplers made from here on in this flow report to <paramref name="observer"/> until disposed.</summary>
    public static IDisposable Observe(Action<MemorySample> observer)
    {
        var previous = s_observer.Value;
        s_observer.Value = observer;
        return new Restore(previous);
    }

    private sealed class Restore(Action<MemorySample>? previous) : IDisposable
    {
        public void Dispose() => s_observer.Value = previous;
    }
}
