using System.Text.Json;

namespace Headroom.Runners.Local;

/// <summary>
/// The files a target loads as it starts, i.e. what a container image would bring: the executable; for
/// <c>dotnet app.dll</c> also the app's folder and the shared frameworks its runtimeconfig names.
/// </summary>
public static class TargetFiles
{
    /// <summary>Resolves a command name the way exec does: a path as given, otherwise the first match on PATH.</summary>
    public static string? ResolveExecutable(string command, string? workingDirectory = null)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            var path = Path.GetFullPath(command, workingDirectory ?? Environment.CurrentDirectory);
            return File.Exists(path) ? path : null;
        }
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    public static IReadOnlyList<string> ForCommand(IReadOnlyList<string> command, string? workingDirectory = null)
    {
        var files = new List<string>();
        if (ResolveExecutable(command[0], workingDirectory) is not { } executable)
        {
            return files;
        }
        var real = new FileInfo(executable).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? executable;
        files.Add(real);
        var dll = command.Skip(1).FirstOrDefault(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
        if (Path.GetFileName(real) == "dotnet" && dll is not null)
        {
            var appPath = Path.GetFullPath(dll, workingDirectory ?? Environment.CurrentDirectory);
            var appDirectory = Path.GetDirectoryName(appPath)!;
            files.AddRange(FilesUnder(appDirectory));
            var dotnetRoot = Path.GetDirectoryName(real)!;
            files.AddRange(FilesUnder(Path.Combine(dotnetRoot, "host")));
            foreach (var framework in FrameworkDirectories(dotnetRoot, Path.ChangeExtension(appPath, ".runtimeconfig.json")))
            {
                files.AddRange(FilesUnder(framework));
            }
        }
        else if (Path.GetDirectoryName(real) is { } directory && File.Exists(Path.ChangeExtension(real, ".runtimeconfig.json")))
        {
            // An apphost next to its dll: the app's folder is what it loads.
            files.AddRange(FilesUnder(directory));
        }
        return files;
    }

    private static IEnumerable<string> FilesUnder(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories) : [];

    /// <summary>The shared frameworks the app rolls forward to: the highest installed patch of the named major.minor.</summary>
    private static IEnumerable<string> FrameworkDirectories(string dotnetRoot, string runtimeConfig)
    {
        if (!File.Exists(runtimeConfig))
        {
            yield break;
        }
        using var document = JsonDocument.Parse(File.ReadAllText(runtimeConfig));
        var options = document.RootElement.GetProperty("runtimeOptions");
        var named = new List<(string Name, string Version)>();
        if (options.TryGetProperty("framework", out var single))
        {
            named.Add((single.GetProperty("name").GetString()!, single.GetProperty("version").GetString()!));
        }
        if (options.TryGetProperty("frameworks", out var many))
        {
            named.AddRange(many.EnumerateArray().Select(f => (f.GetProperty("name").GetString()!, f.GetProperty("version").GetString()!)));
        }
        // An ASP.NET Core app loads Microsoft.NETCore.App too, through the ASP.NET Core framework's own runtimeconfig.
        if (named.Any(n => n.Name != "Microsoft.NETCore.App") && named.All(n => n.Name != "Microsoft.NETCore.App"))
        {
            named.Add(("Microsoft.NETCore.App", named[0].Version));
        }
        foreach (var (name, version) in named)
        {
            var root = Path.Combine(dotnetRoot, "shared", name);
            if (!Directory.Exists(root))
            {
                continue;
            }
            var majorMinor = string.Join('.', version.Split('.').Take(2)) + ".";
            var installed = Directory.EnumerateDirectories(root)
                .Select(Path.GetFileName)
                .Where(v => v!.StartsWith(majorMinor, StringComparison.Ordinal))
                .OrderBy(v => Version.TryParse(v!.Split('-')[0], out var parsed) ? parsed : new Version(0, 0))
                .LastOrDefault();
            if (installed is not null)
            {
                yield return Path.Combine(root, installed);
            }
        }
    }
}
