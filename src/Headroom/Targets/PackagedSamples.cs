namespace Headroom.Targets;

/// <summary>
/// The samples the installed tool carries beside its own assembly (<c>samples/sales-api</c>: the C# sample published
/// framework-dependent; <c>samples/go-sales-api</c>: the Go sample's sources), so <c>headroom study</c> works from any
/// folder. The Go binary is built on first use into the user's cache folder, as the tool's folder may not be writable.
/// </summary>
public static class PackagedSamples
{
    private static string Root => Path.Combine(AppContext.BaseDirectory, "samples");

    /// <summary>The published C# sample's dll, or null when the tool carries none (a build in the checkout).</summary>
    public static string? SalesApiDll => Path.Combine(Root, "sales-api", "SalesApi.dll") is var dll && File.Exists(dll) ? dll : null;

    /// <summary>The Go sample's source folder, or null when the tool carries none.</summary>
    public static string? GoSources => Path.Combine(Root, "go-sales-api") is var folder && File.Exists(Path.Combine(folder, "go.mod")) ? folder : null;

    /// <summary><c>$XDG_CACHE_HOME/headroom/go-sales-api/go-sales-api</c> (<c>~/.cache</c> when unset).</summary>
    public static string GoBinaryPath => Path.Combine(CacheFolder, "go-sales-api", "go-sales-api");

    /// <summary><c>$XDG_CACHE_HOME/headroom</c>, else <c>~/.cache/headroom</c>, else the temp folder's.</summary>
    public static string CacheFolder
    {
        get
        {
            if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache && Path.IsPathRooted(cache))
            {
                return Path.Combine(cache, "headroom");
            }
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return home.Length > 0
                ? Path.Combine(home, ".cache", "headroom")
                : Path.Combine(Path.GetTempPath(), $"headroom-cache-{Environment.UserName}");
        }
    }
}
