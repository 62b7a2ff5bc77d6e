namespace Headroom.Targets;

/// <summary>
/// Finds the Headroom checkout that holds a bundled sample: above the working directory first (a user inside their
/// clone), then above the running tool itself (a user anywhere else running the checkout's build).
/// </summary>
public static class SampleCheckout
{
    /// <summary>The folder above which <paramref name="marker"/> (a path relative to the checkout) exists, or null.</summary>
    public static string? Find(string marker, string startDirectory)
    {
        foreach (var start in new[] { startDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, marker);
                if (File.Exists(candidate) || Directory.Exists(candidate))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }
}
