using Headroom.Runners.Local;

namespace Headroom.Runners.Trial;

/// <summary>
/// The page-cache eviction before a trial (a cold start, the default) or its absence (a warm start), and the words the
/// progress line and the report use for it.
/// </summary>
/// <param name="Eviction">What was evicted; null for a warm start.</param>
/// <param name="Of">Whose files, in words (<c> of the bind mounts</c>), empty for the target's own.</param>
/// <param name="LeftAlone">What a cold start leaves as it is, in words (<c> (image layers left as they were)</c>).</param>
public sealed record ColdStart(EvictionReport? Eviction, string Of = "", string LeftAlone = "")
{
    /// <summary>Evicts <paramref name="files"/> unless <paramref name="warm"/>.</summary>
    public static ColdStart Evict(bool warm, IReadOnlyList<string> files, string of = "", string leftAlone = "") =>
        new(warm ? null : PageCacheEvictor.Evict(files), of, leftAlone);

    public bool Cold => Eviction is not null;

    /// <summary>The progress line.</summary>
    public string Progress => Eviction is { } e
        ? $"cold start: evicted {e.Files} files ({Mebibytes(e)} MiB){Of} from the page cache"
        : "warm start (page cache left as it is)";

    /// <summary>The report's words.</summary>
    public string Describe() => Eviction is { } e
        ? $"cold: {e.Files} files{Of}, {Mebibytes(e)} MiB evicted{LeftAlone}"
        : "warm: page cache left as it was";

    private static string Mebibytes(EvictionReport e) => (e.Bytes / 1048576.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
