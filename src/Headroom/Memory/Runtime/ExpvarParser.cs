using System.Text.Json;

namespace Headroom.Memory.Runtime;

/// <summary>
/// Go's expvar JSON (<c>{"goroutines":13,"memstats":{"Sys":...}}</c>), and the sample service's .NET version of it,
/// which adds a <c>"dotnet"</c> object of GC figures.
/// </summary>
internal static class ExpvarParser
{
    private static readonly string[] MainMemstats = ["Sys", "HeapAlloc", "HeapSys", "HeapInuse", "NumGC", "PauseTotalNs"];

    public static RuntimeMemorySnapshot Parse(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"the body is neither expvar JSON nor Prometheus text (invalid JSON: {FirstLine(e.Message)})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new UserInputException($"the body is JSON but not expvar: expected an object, found {Describe(root.ValueKind)}");
            }
            var hasMemstats = root.TryGetProperty("memstats", out var memstats) && memstats.ValueKind == JsonValueKind.Object;
            var hasDotnet = root.TryGetProperty("dotnet", out var dotnet) && dotnet.ValueKind == JsonValueKind.Object;
            var goroutines = root.TryGetProperty("goroutines", out var g) ? AsLong(g) : null;
            if (!hasMemstats && !hasDotnet && goroutines is null)
            {
                throw new UserInputException("the body is JSON but has no \"memstats\" or \"goroutines\"; give the URL of a /debug/vars endpoint");
            }

            var other = new SortedDictionary<string, double>(StringComparer.Ordinal);
            // The runtime's own limit, published beside memstats (the Go sample: debug.SetMemoryLimit(-1)); counters
            // such as requests and errors are not memory figures.
            if (root.TryGetProperty("memlimit", out var memlimit) && memlimit.ValueKind == JsonValueKind.Number)
            {
                other["memlimit"] = memlimit.GetDouble();
            }
            if (hasMemstats)
            {
                foreach (var property in memstats.EnumerateObject())
                {
                    if (!MainMemstats.Contains(property.Name) && property.Value.ValueKind == JsonValueKind.Number)
                    {
                        other["memstats." + property.Name] = property.Value.GetDouble();
                    }
                }
            }
            if (hasDotnet)
            {
                Flatten("dotnet", dotnet, other);
            }

            return new RuntimeMemorySnapshot(
                RuntimeMemorySnapshot.ExpvarFormat,
                goroutines,
                Memstat(hasMemstats, memstats, "Sys"),
                Memstat(hasMemstats, memstats, "HeapAlloc"),
                Memstat(hasMemstats, memstats, "HeapSys"),
                Memstat(hasMemstats, memstats, "HeapInuse"),
                Memstat(hasMemstats, memstats, "NumGC"),
                Memstat(hasMemstats, memstats, "PauseTotalNs"),
                other);
        }
    }

    private static long? Memstat(bool present, JsonElement memstats, string name) =>
        present && memstats.TryGetProperty(name, out var value) ? AsLong(value) : null;

    private static long? AsLong(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }
        return value.TryGetInt64(out var whole) ? whole : (long)Math.Round(value.GetDouble());
    }

    private static void Flatten(string prefix, JsonElement element, IDictionary<string, double> into)
    {
        foreach (var property in element.EnumerateObject())
        {
            var name = prefix + "." + property.Name;
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Number:
                    into[name] = property.Value.GetDouble();
                    break;
                case JsonValueKind.Object:
                    Flatten(name, property.Value, into);
                    break;
                default:
                    break;
            }
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
