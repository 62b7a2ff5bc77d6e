using System.Text.Json;
using System.Text.Json.Serialization;

namespace Headroom.Memory;

/// <summary>Writes and reads a trial's samples as JSON lines (one <see cref="MemorySample"/> a line).</summary>
public static class SampleSeries
{
    public static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static async Task WriteAsync(string path, IEnumerable<MemorySample> samples, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(path);
        foreach (var sample in samples)
        {
            await writer.WriteLineAsync(JsonSerializer.Serialize(sample, Json).AsMemory(), cancellationToken);
        }
    }

    public static async Task<IReadOnlyList<MemorySample>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var samples = new List<MemorySample>();
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            if (line.Length > 0)
            {
                samples.Add(JsonSerializer.Deserialize<MemorySample>(line, Json)!);
            }
        }
        return samples;
    }
}
