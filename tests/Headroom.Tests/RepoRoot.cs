namespace Headroom.Tests;

/// <summary>The checkout the tests run from (the folder holding Headroom.slnx).</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Headroom.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Headroom.slnx above {AppContext.BaseDirectory}");
    }
}
