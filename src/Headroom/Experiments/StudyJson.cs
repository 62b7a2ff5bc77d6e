using System.Text.Json;
using System.Text.Json.Serialization;
using Headroom.Limits;
using Headroom.Specs;

namespace Headroom.Experiments;

/// <summary>The JSON settings of a study folder's files: camelCase, limits as Kubernetes quantities, enums by name.</summary>
public static class StudyJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: true);

    /// <summary>One object a line, for <c>results.jsonl</c>.</summary>
    public static JsonSerializerOptions Lines { get; } = Create(indented: false);

    private static JsonSerializerOptions Create(bool indented) => new(JsonSerializerDefaults.Web)
    {
        WriteIndented = indented,
        // Evidence quotes logs ("oom_kill 0 -> 1"); the files are read by people and scripts, never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new MemoryQuantityConverter(), new JsonStringEnumConverter<TargetRuntime>(JsonNamingPolicy.KebabCaseLower),
            new JsonStringEnumConverter<EdgeStrategy>(JsonNamingPolicy.KebabCaseLower) },
    };

    private sealed class MemoryQuantityConverter : JsonConverter<MemoryQuantity>
    {
        public override MemoryQuantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Number
                ? new MemoryQuantity(reader.GetInt64())
                : MemoryQuantity.Parse(reader.GetString() ?? "");

        public override void Write(Utf8JsonWriter writer, MemoryQuantity value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToKubernetes());
    }
}
