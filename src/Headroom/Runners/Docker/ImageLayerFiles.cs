namespace Headroom.Runners.Docker;

/// <summary>
/// The files of a container's image as the engine stores them on this host: the layer folders its GraphDriver data
/// names (overlay2: <c>LowerDir</c>, a colon-separated list, and <c>UpperDir</c>), every regular file under them. A
/// cold start evicts them, as a node that has just pulled the image has none of them cached. Empty when the engine is
/// elsewhere (the folders are not on this host) or names no folders (another storage driver).
/// </summary>
public static class ImageLayerFiles
{
    private static readonly string[] s_keys = ["LowerDir", "UpperDir"];

    /// <summary>The layer folders named in <paramref name="data"/> that exist here.</summary>
    public static IReadOnlyList<string> Folders(IDictionary<string, string>? data) =>
        data is null
            ? []
            : [.. s_keys.Where(data.ContainsKey)
                .SelectMany(key => data[key].Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Where(Directory.Exists)
                .Distinct(StringComparer.Ordinal)];

    /// <summary>Every regular file under <paramref name="folders"/>.</summary>
    public static IReadOnlyList<string> Under(IReadOnlyList<string> folders) =>
        [.. folders.SelectMany(folder => Directory.EnumerateFiles(folder, "*",
            new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint }))];
}
