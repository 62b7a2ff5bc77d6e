using Headroom.Knobs;

namespace Headroom.Specs;

/// <summary>The target's language runtime: it picks the default knob set (the preset of the same name) and the
/// runtime limit <c>recommend</c> writes.</summary>
public enum TargetRuntime
{
    Go,
    Dotnet,
    Jvm,
    Node,
}

public static class TargetRuntimes
{
    public static string ToName(this TargetRuntime runtime) => runtime.ToString().ToLowerInvariant();

    public static TargetRuntime Parse(string name) =>
        Enum.GetValues<TargetRuntime>().FirstOrDefault(r => string.Equals(r.ToName(), name.Trim(), StringComparison.OrdinalIgnoreCase), (TargetRuntime)(-1)) is var r && (int)r >= 0
            ? r
            : throw new UserInputException($"unknown runtime '{name}'; use one of go, dotnet, jvm, node");

    /// <summary>The preset knob set that hands this runtime the container's limit.</summary>
    public static KnobSet Preset(this TargetRuntime runtime) => KnobPresets.Get(runtime.ToName());
}
