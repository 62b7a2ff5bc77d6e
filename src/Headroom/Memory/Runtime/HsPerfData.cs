using System.Buffers.Binary;
using System.Text;

namespace Headroom.Memory.Runtime;

/// <summary>
/// HotSpot's performance counters as the JVM writes them to <c>/tmp/hsperfdata_&lt;user&gt;/&lt;pid&gt;</c> (what
/// <c>jstat</c> reads): a prologue (magic <c>0xcafec0c0</c>, byte order, version, an "accessible" flag set once the JVM
/// has initialised, the entries' offset and count), then one entry per counter: its length, name offset, vector
/// length, type (<c>J</c>: a 64-bit number, <c>B</c>: bytes, here a string) and data offset.
/// </summary>
public static class HsPerfData
{
    public const uint Magic = 0xcafec0c0;
    private const int PrologueLength = 32;
    private const int EntryHeaderLength = 20;

    /// <summary>The numbers and strings of a perf data file; null when it is not one or the JVM has not finished initialising it.</summary>
    public static IReadOnlyDictionary<string, object>? Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < PrologueLength || BinaryPrimitives.ReadUInt32BigEndian(data) != Magic)
        {
            return null;
        }
        var little = data[4] == 1;
        var accessible = data[7] != 0;
        if (!accessible)
        {
            return null;
        }
        var offset = Int(data, 24, little);
        var count = Int(data, 28, little);
        var counters = new Dictionary<string, object>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            if (offset < 0 || offset + EntryHeaderLength > data.Length)
            {
                break;
            }
            var entry = data[offset..];
            var length = Int(entry, 0, little);
            var nameOffset = Int(entry, 4, little);
            var vectorLength = Int(entry, 8, little);
            var type = (char)entry[12];
            var dataOffset = Int(entry, 16, little);
            if (length <= 0 || nameOffset >= length || dataOffset >= length || offset + length > data.Length)
            {
                break;
            }
            var name = CString(entry[nameOffset..length]);
            if (type == 'J' && vectorLength == 0 && dataOffset + 8 <= length)
            {
                counters[name] = little ? BinaryPrimitives.ReadInt64LittleEndian(entry[dataOffset..]) : BinaryPrimitives.ReadInt64BigEndian(entry[dataOffset..]);
            }
            else if (type == 'B' && vectorLength > 0)
            {
                counters[name] = CString(entry[dataOffset..Math.Min(length, dataOffset + vectorLength)]);
            }
            offset += length;
        }
        return counters;
    }

    private static int Int(ReadOnlySpan<byte> data, int at, bool little) =>
        little ? BinaryPrimitives.ReadInt32LittleEndian(data[at..]) : BinaryPrimitives.ReadInt32BigEndian(data[at..]);

    private static string CString(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? bytes : bytes[..end]);
    }

    /// <summary>
    /// The JVM's memory as Headroom's runtime figures: heap used (every space of the young and old generations),
    /// heap committed (the generations' capacities), committed total (heap + metaspace + compiled code) and GCs.
    /// </summary>
    public static RuntimeFigures? ToFigures(IReadOnlyDictionary<string, object> counters)
    {
        long? Number(string name) => counters.TryGetValue(name, out var v) && v is long l ? l : null;
        long? Sum(Func<string, bool> names) =>
            counters.Where(kv => names(kv.Key) && kv.Value is long).Select(kv => (long)kv.Value) is var values && values.Any() ? values.Sum() : null;

        var heapUsed = Sum(n => n.StartsWith("sun.gc.generation.", StringComparison.Ordinal) && n.Contains(".space.", StringComparison.Ordinal) && n.EndsWith(".used", StringComparison.Ordinal));
        var heapCommitted = Sum(n => n.StartsWith("sun.gc.generation.", StringComparison.Ordinal) && n.Count(c => c == '.') == 4 && n.EndsWith(".capacity", StringComparison.Ordinal));
        if (heapCommitted is null)
        {
            return null;
        }
        var metaspace = Number("sun.gc.metaspace.capacity") ?? 0;
        var code = Number("sun.ci.nmethodSize") ?? 0;
        return new RuntimeFigures("hsperfdata")
        {
            HeapAllocBytes = heapUsed,
            HeapSysBytes = heapCommitted,
            SysBytes = heapCommitted + metaspace + code,
            GcCount = Sum(n => n.StartsWith("sun.gc.collector.", StringComparison.Ordinal) && n.EndsWith(".invocations", StringComparison.Ordinal)),
            Threads = Number("java.threads.live"),
        };
    }
}
