using System.Text.Json;

namespace Headroom.Load;

/// <summary>The report as JSON (<c>--json</c>): every figure, camelCase names, the latency histogram base64-encoded.</summary>
public static class LoadReportJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Serialises the report.</summary>
    public static string Serialize(LoadReport report) => JsonSerializer.Serialize(report, Options);

    /// <summary>Reads a report written by <see cref="Serialize"/>.</summary>
    public static LoadReport Deserialize(string json) =>
        JsonSerializer.Deserialize<LoadReport>(json, Options) ?? throw new JsonException("the JSON holds no load report");
}
