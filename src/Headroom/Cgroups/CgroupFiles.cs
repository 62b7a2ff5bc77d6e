using System.Globalization;

namespace Headroom.Cgroups;

/// <summary>Reading and writing the small text files of a cgroup directory.</summary>
internal static class CgroupFiles
{
    public static string? ReadText(string directory, string name)
    {
        try
        {
            return File.ReadAllText(Path.Combine(directory, name));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public static long? ReadNumber(string directory, string name) =>
        ReadText(directory, name) is { } text ? ParseNumber(text) : null;

    /// <summary>A single number file; v2 writes <c>max</c> for "no limit". Null when the text is not a number (not known).</summary>
    public static long? ParseNumber(string text)
    {
        var trimmed = text.Trim();
        return trimmed == "max" ? long.MaxValue
            : long.TryParse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>Parses <c>key value</c> lines (memory.stat, memory.events, memory.oom_control).</summary>
    public static IReadOnlyDictionary<string, long> ParseKeyValues(string? text)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        if (text is null)
        {
            return values;
        }
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && long.TryParse(line.AsSpan(space + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                values[line[..space]] = value;
            }
        }
        return values;
    }

    public static void Write(string directory, string name, string value) =>
        File.WriteAllText(Path.Combine(directory, name), value);

    public static IReadOnlyList<int> ReadPids(string directory) =>
        (ReadText(directory, "cgroup.procs") ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .ToArray();
}
