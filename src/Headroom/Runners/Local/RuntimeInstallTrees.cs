namespace Headroom.Runners.Local;

/// <summary>
/// The install folders of the runtimes a target maps, whose files it also reads and closes (class data in the JDK's
/// <c>lib/modules</c> and jars, Python's <c>.py</c>/<c>.pyc</c>, a .NET framework's assemblies): a container image
/// brings all of them, and <c>/proc/PID/maps</c> sees only what stays mapped. Node keeps its own JavaScript inside
/// its binary (or <c>libnode.so</c>), which is mapped, so it needs no folder.
/// </summary>
public static class RuntimeInstallTrees
{
    /// <summary>The install folders found from the mapped files: JDK home, Python's standard library, .NET shared framework.</summary>
    public static IReadOnlyList<string> For(IEnumerable<string> mapped)
    {
        var trees = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in mapped)
        {
            var name = Path.GetFileName(file);
            var directory = Path.GetDirectoryName(file);
            if (directory is null)
            {
                continue;
            }
            if (name == "libjvm.so" && Path.GetDirectoryName(Path.GetDirectoryName(directory)) is { } javaHome)
            {
                // <java.home>/lib/server/libjvm.so
                trees.Add(javaHome);
            }
            else if (Path.GetFileName(directory) == "lib-dynload" && Path.GetDirectoryName(directory) is { } stdlib)
            {
                // <prefix>/lib/python3.X/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so
                trees.Add(stdlib);
            }
            else if (name == "libcoreclr.so")
            {
                // <dotnet root>/shared/Microsoft.NETCore.App/<version>/libcoreclr.so
                trees.Add(directory);
            }
        }
        return [.. trees];
    }

    /// <summary>Every regular file under the folders (symlinked files resolved, so each is evicted once).</summary>
    public static IEnumerable<string> FilesUnder(IEnumerable<string> trees) =>
        trees.Where(Directory.Exists)
            .SelectMany(tree => Directory.EnumerateFiles(tree, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }))
            .Select(Resolve)
            .Where(f => f is not null && File.Exists(f))
            .Select(f => f!);

    private static string? Resolve(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
