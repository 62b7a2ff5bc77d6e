using System.Diagnostics;
using System.Globalization;

namespace SalesApi.Debug;

/// <summary>The process's thread count and memory as the kernel accounts them (<c>/proc/self/status</c> on Linux).</summary>
public sealed record ProcessStatus(long Threads, long PrivateBytes, long ResidentBytes, long ResidentAnonBytes, long ResidentFileBytes)
{
    public static ProcessStatus Read()
    {
        if (OperatingSystem.IsLinux() && TryReadProc() is { } status)
        {
            return status;
        }
        using var process = Process.GetCurrentProcess();
        return new ProcessStatus(process.Threads.Count, process.PrivateMemorySize64, process.WorkingSet64, 0, 0);
    }

    private static ProcessStatus? TryReadProc()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/self/status");
        }
        catch (IOException)
        {
            return null;
        }
        long Field(string name)
        {
            var line = lines.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal));
            if (line is null)
            {
                return 0;
            }
            var parts = line[(name.Length + 1)..].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var value = long.Parse(parts[0], CultureInfo.InvariantCulture);
            return parts.Length > 1 && parts[1] == "kB" ? value * 1024 : value;
        }
        // VmData is what .NET's Process.PrivateMemorySize64 reports on Linux: private writable mappings (GC heap as
        // committed, native heap, thread stacks), the closest thing to Go's Sys.
        return new ProcessStatus(Field("Threads"), Field("VmData"), Field("VmRSS"), Field("RssAnon"), Field("RssFile"));
    }
}
