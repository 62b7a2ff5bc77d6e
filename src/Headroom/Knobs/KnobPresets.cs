namespace Headroom.Knobs;

/// <summary>
/// The built-in knob sets. Each gives the runtime the container's limit in the form it takes.
/// </summary>
public static class KnobPresets
{
    private static KnobSet Set(string name, params (string Key, string Value)[] env) =>
        new(name, env.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));

    public static IReadOnlyList<KnobSet> All { get; } =
    [
        KnobSet.None,
        // The article's setting: the GC runs only when the heap reaches the limit.
        Set("go", ("GOMEMLIMIT", "{limit}"), ("GOGC", "off")),
        // As automemlimit does: leave 10 % for what the Go runtime does not count, keep GOGC's pacing.
        Set("go-soft", ("GOMEMLIMIT", "{limit*0.9}")),
        // .NET reads DOTNET_GC* values as hexadecimal.
        Set("dotnet", ("DOTNET_GCHeapHardLimit", "{limit:hex}")),
        Set("dotnet-conserve", ("DOTNET_GCConserveMemory", "7")),
        // HotSpot sizes the heap from MinRAMPercentage below about 256 MiB, so both are set.
        Set("jvm", ("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75 -XX:MinRAMPercentage=75")),
        // Node keeps its own ~259 MiB heap default however small the cgroup limit is.
        Set("node", ("NODE_OPTIONS", "--max-old-space-size={limit*0.75:mib}")),
    ];

    /// <summary>The preset of that name; a one-line <see cref="UserInputException"/> listing the names otherwise.</summary>
    public static KnobSet Get(string name) =>
        All.FirstOrDefault(k => k.Name == name)
        ?? throw new UserInputException(
            $"unknown knob set '{name}'; use one of {string.Join(", ", All.Select(k => k.Name))}, or define it in the spec file");
}
