namespace Headroom.Runners.Local;

/// <summary>
/// The files a command names before it runs: the executable behind symlinks, the interpreters of <c>#!</c> scripts
/// (through <c>env</c>), the files and folders its arguments name (a classpath split at ':'), and for
/// <c>dotnet app.dll</c> the app and its shared frameworks (<see cref="TargetFiles"/>).
/// </summary>
public static class CommandFiles
{
    /// <summary>A folder named in the arguments with more files than this is not an app's (e.g. <c>-d /</c>) and is left out.</summary>
    public const int MaxFilesPerFolder = 5000;

    public static IReadOnlyList<string> For(IReadOnlyList<string> command, string? workingDirectory = null)
    {
        var files = new List<string>(TargetFiles.ForCommand(command, workingDirectory));
        if (TargetFiles.ResolveExecutable(command[0], workingDirectory) is { } executable)
        {
            files.AddRange(Interpreters(executable));
        }
        var directory = workingDirectory ?? Environment.CurrentDirectory;
        foreach (var argument in command.Skip(1))
        {
            foreach (var part in argument.Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                files.AddRange(Named(part, directory));
            }
        }
        return [.. files.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The chain of <c>#!</c> interpreters of a script (a shim is a script), at most three deep.</summary>
    public static IEnumerable<string> Interpreters(string executable)
    {
        var current = executable;
        for (var depth = 0; depth < 3 && Shebang(current) is { } line; depth++)
        {
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                yield break;
            }
            var interpreter = words[0];
            if (Path.GetFileName(interpreter) == "env")
            {
                yield return Real(interpreter);
                interpreter = words.Skip(1).FirstOrDefault(w => !w.StartsWith('-')) ?? "";
            }
            if (TargetFiles.ResolveExecutable(interpreter) is not { } resolved)
            {
                yield break;
            }
            current = Real(resolved);
            yield return current;
        }
    }

    private static string? Shebang(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            var head = new byte[256];
            var read = stream.Read(head);
            if (read < 2 || head[0] != '#' || head[1] != '!')
            {
                return null;
            }
            var text = System.Text.Encoding.UTF8.GetString(head, 2, read - 2);
            var end = text.IndexOf('\n', StringComparison.Ordinal);
            return (end < 0 ? text : text[..end]).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static List<string> Named(string argument, string directory)
    {
        if (argument.StartsWith('-') || argument.Contains("://", StringComparison.Ordinal))
        {
            return [];
        }
        string path;
        try
        {
            path = Path.GetFullPath(argument, directory);
        }
        catch (ArgumentException)
        {
            return [];
        }
        if (File.Exists(path))
        {
            return [path];
        }
        if (!Directory.Exists(path) || path == "/")
        {
            return [];
        }
        var files = Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Take(MaxFilesPerFolder + 1).ToList();
        return files.Count > MaxFilesPerFolder ? [] : files;
    }

    private static string Real(string path) =>
        new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
}
