using System.Text.Json.Nodes;
using Headroom.Knobs;
using Headroom.Limits;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// A trial's container env from the Deployment's own (as saved before the first trial): every variable any knob set of
/// the study sets is taken out, except the trial's own set, which is put in, each at the place the variable had (a
/// <c>$(VAR)</c> reference resolves only to variables defined earlier in the list), new ones first. The
/// <c>*_OPTIONS</c> variables (<c>JAVA_TOOL_OPTIONS</c>, <c>NODE_OPTIONS</c>) hold flags of their own
/// (<c>-javaagent:…</c>): only the knob sets' flags are taken out or put in, the rest stays.
/// </summary>
public static class KnobEnvironment
{
    /// <summary>
    /// The env for a trial at <paramref name="limit"/> with <paramref name="trial"/>'s variables; a value that is exactly
    /// <c>{limit}</c> becomes a <c>resourceFieldRef</c> to the container's <c>limits.memory</c>, as the article sets
    /// GOMEMLIMIT. <paramref name="study"/>: every knob set of the study (the trial's is added to it).
    /// </summary>
    public static JsonArray For(JsonArray? original, string container, KnobSet trial, MemoryQuantity? limit, IEnumerable<KnobSet> study)
    {
        var sets = study.Append(trial).ToArray();
        var studyNames = sets.SelectMany(s => s.Environment.Keys).ToHashSet(StringComparer.Ordinal);
        var wanted = Entries(trial, container, limit);
        var env = new JsonArray();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in (original ?? []).OfType<JsonObject>())
        {
            var name = entry["name"]?.GetValue<string>() ?? "";
            if (!studyNames.Contains(name))
            {
                env.Add(entry.DeepClone());
                continue;
            }
            if (IsOptions(name) && entry["value"] is JsonValue value && entry["valueFrom"] is null)
            {
                var merged = MergeFlags(value.GetValue<string>(), FlagKeys(sets, name), wanted.TryGetValue(name, out var own) ? own["value"]?.GetValue<string>() : null);
                placed.Add(name);
                if (merged.Length > 0)
                {
                    env.Add(new JsonObject { ["name"] = name, ["value"] = merged });
                }
                continue;
            }
            if (wanted.TryGetValue(name, out var replacement) && placed.Add(name))
            {
                env.Add(replacement.DeepClone());
            }
        }
        var added = wanted.Where(w => !placed.Contains(w.Key)).Select(w => (JsonNode)w.Value.DeepClone()).ToArray();
        for (var i = added.Length - 1; i >= 0; i--)
        {
            env.Insert(0, added[i]);
        }
        return env;
    }

    /// <summary>
    /// Why an unlimited trial with this env would not be what it says, or null: <c>GOGC=off</c> with no limit lets the
    /// heap grow until the node runs out, and a <c>resourceFieldRef</c> to <c>limits.memory</c> of a container with no
    /// limit resolves to the node's allocatable memory (the downward API's documented default).
    /// </summary>
    public static string? UnlimitedRefusal(JsonArray env, string container)
    {
        foreach (var entry in env.OfType<JsonObject>())
        {
            var name = entry["name"]?.GetValue<string>();
            if (name == "GOGC" && string.Equals(entry["value"]?.GetValue<string>(), "off", StringComparison.OrdinalIgnoreCase))
            {
                return $"the container's env sets GOGC=off, which with no memory limit lets the Go heap grow until the node runs out";
            }
            var field = entry["valueFrom"]?["resourceFieldRef"];
            var of = field?["containerName"]?.GetValue<string>();
            if (field?["resource"]?.GetValue<string>() == "limits.memory" && (string.IsNullOrEmpty(of) || of == container))
            {
                return $"the container's env {name} takes limits.memory, which with no limit is the node's allocatable memory";
            }
        }
        return null;
    }

    private static Dictionary<string, JsonObject> Entries(KnobSet trial, string container, MemoryQuantity? limit)
    {
        var rendered = trial.Render(limit);
        var entries = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (name, template) in trial.Environment)
        {
            if (template == "{limit}" && limit is not null && !IsOptions(name))
            {
                entries[name] = new JsonObject
                {
                    ["name"] = name,
                    ["valueFrom"] = new JsonObject { ["resourceFieldRef"] = new JsonObject { ["containerName"] = container, ["resource"] = "limits.memory" } },
                };
            }
            else if (rendered.TryGetValue(name, out var value))
            {
                entries[name] = new JsonObject { ["name"] = name, ["value"] = value };
            }
        }
        return entries;
    }

    /// <summary>Variables that carry a list of runtime flags rather than one value.</summary>
    internal static bool IsOptions(string name) => name.EndsWith("_OPTIONS", StringComparison.Ordinal);

    /// <summary>Every flag key any of the study's sets puts into <paramref name="name"/> (<c>-XX:MaxRAMPercentage</c>, <c>--max-old-space-size</c>).</summary>
    private static HashSet<string> FlagKeys(IEnumerable<KnobSet> sets, string name) =>
        sets.Where(s => s.Environment.ContainsKey(name))
            .SelectMany(s => Split(s.Environment[name]))
            .Select(Key)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The original's flags without the study's, then the trial's own.</summary>
    internal static string MergeFlags(string original, IReadOnlySet<string> studyKeys, string? own)
    {
        var kept = Split(original).Where(f => !studyKeys.Contains(Key(f)));
        return string.Join(' ', own is null ? kept : kept.Concat(Split(own)));
    }

    private static string[] Split(string flags) => flags.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A flag's key: up to its <c>=</c> (<c>-XX:MaxRAMPercentage=75</c>), else the flag itself.</summary>
    private static string Key(string flag)
    {
        var at = flag.IndexOf('=', StringComparison.Ordinal);
        return at < 0 ? flag : flag[..at];
    }
}
