using System.Globalization;
using System.Text.Json;
using Headroom.Knobs;
using Headroom.Limits;

namespace Headroom.Checks;

/// <summary>
/// The edges a study recorded in its <c>summary.json</c>, turned into regression cases: if the service still
/// survives (and is healthy) at the recorded edge plus the tolerance, its edge has not grown by more than that. Two
/// confirmations of one limit each instead of a new edge search: a pull request's gate costs minutes, not a study.
/// </summary>
public sealed record RecordedEdges(MemoryQuantity? Survival, MemoryQuantity? Healthy, string Source)
{
    /// <exception cref="UserInputException">The file is missing, not JSON, or records no edge.</exception>
    public static RecordedEdges Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"--baseline {path} does not exist; give the summary.json of a recorded study");
        }
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var edge = json.RootElement.TryGetProperty("edge", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
            var edges = new RecordedEdges(Quantity(edge, "survivalEdge"), Quantity(edge, "healthyEdge"), path);
            return edges.Survival is null && edges.Healthy is null
                ? throw new UserInputException($"--baseline {path} records no survival or healthy edge; give the summary.json of a study or edge search that found one")
                : edges;
        }
        catch (JsonException e)
        {
            throw new UserInputException($"--baseline {path} is not a summary.json ({e.Message})", e);
        }
    }

    private static MemoryQuantity? Quantity(JsonElement edge, string name) =>
        edge.ValueKind == JsonValueKind.Object && edge.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && MemoryQuantity.TryParse(value.GetString(), out var quantity, out _)
            ? quantity
            : null;

    /// <summary>The regression cases: survival at the survival edge + tolerance; health at the healthy edge + tolerance when asked.</summary>
    public IReadOnlyList<CheckCase> Cases(double tolerance, bool healthy, KnobSet knobs)
    {
        var cases = new List<CheckCase>();
        var percent = (tolerance * 100).ToString("0.#", CultureInfo.InvariantCulture);
        if (Survival is { } survival)
        {
            var limit = Grown(survival, tolerance);
            cases.Add(new CheckCase($"survival edge grew by at most {percent} % since {survival} (survives at {limit})", limit, knobs, Healthy: false));
        }
        if (healthy && Healthy is { } healthyEdge)
        {
            var limit = Grown(healthyEdge, tolerance);
            cases.Add(new CheckCase($"healthy edge grew by at most {percent} % since {healthyEdge} (healthy at {limit})", limit, knobs, Healthy: true));
        }
        return cases;
    }

    /// <summary>The edge times (1 + tolerance), down to whole KiB: the largest limit a grown edge may still need.</summary>
    public static MemoryQuantity Grown(MemoryQuantity edge, double tolerance) =>
        new((long)Math.Floor(edge.Bytes * (1 + tolerance) / 1024) * 1024);

    /// <summary><c>10%</c>, or a fraction such as <c>0.1</c>.</summary>
    /// <exception cref="UserInputException">Neither, or not from 0 to 100 %.</exception>
    public static double ParseTolerance(string text)
    {
        var trimmed = text.Trim();
        var percent = trimmed.EndsWith('%');
        if (!double.TryParse(percent ? trimmed[..^1] : trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || (percent ? value / 100 : value) is var fraction && (fraction < 0 || fraction > 1 || double.IsNaN(fraction)))
        {
            throw new UserInputException($"--tolerance '{text}' is not a tolerance; use a percentage such as 10% (from 0% to 100%)");
        }
        return percent ? value / 100 : value;
    }
}
