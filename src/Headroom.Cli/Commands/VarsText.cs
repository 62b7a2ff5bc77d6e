using System.Globalization;
using Headroom.Memory.Runtime;

namespace Headroom.Cli.Commands;

/// <summary>The text form: the article's block first, then the other figures, one a line (plain text, pipes cleanly).</summary>
internal static class VarsText
{
    private const double Mebibyte = 1024 * 1024;

    public static string Render(Uri url, RuntimeMemorySnapshot snapshot)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{url} ({snapshot.Format})");
        text.AppendLine();
        text.AppendLine("Memory Amounts:");
        AppendMiB(text, "HeapAlloc", snapshot.HeapAlloc);
        AppendMiB(text, "HeapSys", snapshot.HeapSys);
        AppendMiB(text, "Sys", snapshot.Sys);
        text.AppendLine(CultureInfo.InvariantCulture, $"{"Goroutines:",-11}{Show(snapshot.Goroutines),4}");

        var others = new List<(string Name, double Value)>();
        Add(others, "HeapInuse", snapshot.HeapInuse);
        Add(others, "NumGC", snapshot.NumGC);
        Add(others, "PauseTotalNs", snapshot.PauseTotalNs);
        others.AddRange(snapshot.Other.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => (o.Key, o.Value)));
        if (others.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Other figures:");
            var width = others.Max(o => o.Name.Length) + 2;
            foreach (var (name, value) in others)
            {
                var number = value.ToString(Math.Abs(value % 1) > 0 ? "0.###" : "0", CultureInfo.InvariantCulture);
                var mib = LooksLikeBytes(name) ? $"  ({value / Mebibyte:0.0} MiB)" : "";
                text.AppendLine(CultureInfo.InvariantCulture, $"{name.PadRight(width)}{number,16}{mib}");
            }
        }
        return text.ToString();
    }

    private static void AppendMiB(System.Text.StringBuilder text, string name, long? bytes)
    {
        var label = name + ":";
        text.AppendLine(bytes is { } b
            ? string.Create(CultureInfo.InvariantCulture, $"{label,-11}{Math.Round(b / Mebibyte),4:0} MiB  ({b} bytes)")
            : $"{label,-11}   - (not reported)");
    }

    private static string Show(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static void Add(List<(string, double)> into, string name, long? value)
    {
        if (value is { } v)
        {
            into.Add((name, v));
        }
    }

    /// <summary>Byte figures get a MiB column; counts, seconds and percentages do not.</summary>
    private static bool LooksLikeBytes(string name)
    {
        var bare = name.Split('{')[0];
        if (bare.Contains("bytes", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (bare.StartsWith("memstats.", StringComparison.Ordinal) || bare is "HeapInuse")
        {
            return bare.EndsWith("Sys", StringComparison.Ordinal) || bare.EndsWith("Alloc", StringComparison.Ordinal)
                || bare.EndsWith("Inuse", StringComparison.Ordinal) || bare.EndsWith("Idle", StringComparison.Ordinal)
                || bare.EndsWith("Released", StringComparison.Ordinal) || bare.EndsWith("NextGC", StringComparison.Ordinal);
        }
        return bare.StartsWith("system_runtime_dotnet_", StringComparison.Ordinal)
            && (bare.EndsWith("_size", StringComparison.Ordinal) || bare.EndsWith("_allocated", StringComparison.Ordinal) || bare.EndsWith("working_set", StringComparison.Ordinal));
    }
}
