namespace Headroom.Trials;

/// <summary>
/// The highest memory one source reported during a trial: <c>cgroup v2 through exec</c>, <c>metrics.k8s.io working
/// set</c>, the runtime's stats URL. <see cref="PeakBytes"/> is null when the source gave nothing, and
/// <see cref="Note"/> says why (not served, refused, no <c>cat</c> in the image).
/// </summary>
public sealed record MemorySourcePeak(string Source, long? PeakBytes, int Readings, string? Note = null);
