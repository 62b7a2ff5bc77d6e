namespace Headroom.Runners;

/// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread, in order (Progress&lt;T&gt; posts).</summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
