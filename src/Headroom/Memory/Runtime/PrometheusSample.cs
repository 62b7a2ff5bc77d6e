namespace Headroom.Memory.Runtime;

/// <summary>One sample line of the Prometheus text format: <c>name{label="value",...} 1.5</c>.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, double Value)
{
    public string? Label(string name) => Labels.FirstOrDefault(l => l.Key == name).Value;

    /// <summary>The sample as it is written on the endpoint, without its value: <c>name{a="b"}</c>.</summary>
    public string Key => Labels.Count == 0
        ? Name
        : Name + "{" + string.Join(",", Labels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
}
