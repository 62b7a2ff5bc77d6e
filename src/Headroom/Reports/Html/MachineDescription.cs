using System.Globalization;

namespace Headroom.Reports.Html;

/// <summary>One line about this machine for a report's facts: cores, memory, kernel.</summary>
public static class MachineDescription
{
    public static string Current()
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        var kernel = TryRead("/proc/sys/kernel/osrelease") is { } release ? $"Linux {release}" : Environment.OSVersion.VersionString;
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {memory:0.#} GiB, {kernel}");
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
