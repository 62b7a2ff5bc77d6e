using System.Globalization;

namespace Headroom.Memory;

/// <summary>A process's own memory view from <c>/proc/&lt;pid&gt;/status</c>: resident now and its high-water mark.</summary>
public sealed record ProcStatus(long VmRssBytes, long VmHwmBytes)
{
    public static ProcStatus? Read(int pid)
    {
        try
        {
            return Parse(File.ReadAllText($"/proc/{pid}/status"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static ProcStatus? Parse(string status)
    {
        long? rss = null, hwm = null;
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kilobytes(line);
            }
        }
        // A zombie has no Vm* lines.
        return rss is { } r && hwm is { } h ? new ProcStatus(r, h) : null;
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
