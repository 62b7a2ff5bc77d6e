using System.Globalization;
using Headroom.Limits;

namespace Headroom.Knobs;

/// <summary>
/// Named environment settings for the target's runtime, templated on the trial's memory limit.
/// Templates: <c>{limit}</c> bytes, <c>{limit:hex}</c> bytes in hexadecimal (.NET reads <c>DOTNET_GC*</c> as hex),
/// <c>{limit:mib}</c> whole mebibytes, <c>{limit*0.9}</c> (any factor) bytes times a factor, and
/// <c>{limit*0.9:mib}</c> / <c>{limit*0.9:hex}</c>.
/// </summary>
public sealed record KnobSet(string Name, IReadOnlyDictionary<string, string> Environment)
{
    public static readonly KnobSet None = new("none", new Dictionary<string, string>());

    /// <summary>The environment for a trial at <paramref name="limit"/>; an unlimited trial gets no templated variable.</summary>
    public IReadOnlyDictionary<string, string> Render(MemoryQuantity? limit)
    {
        var rendered = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, template) in Environment)
        {
            if (!template.Contains("{limit", StringComparison.Ordinal))
            {
                rendered[key] = template;
            }
            else if (limit is { } l)
            {
                rendered[key] = KnobTemplate.Render(template, l);
            }
        }
        return rendered;
    }

    /// <summary>How the knob set reads in a report: <c>go (GOMEMLIMIT=the limit in bytes, GOGC=off)</c>, placeholders in words.</summary>
    public string Describe() => Environment.Count == 0
        ? Name
        : string.Create(CultureInfo.InvariantCulture, $"{Name} ({string.Join(", ", Environment.Select(kv => $"{kv.Key}={KnobTemplate.Words(kv.Value)}"))})");

    /// <summary>How the knob set reads for one trial: its values at <paramref name="limit"/> (<c>dotnet (DOTNET_GCHeapHardLimit=2800000)</c>).</summary>
    public string Describe(MemoryQuantity limit) => Environment.Count == 0
        ? Name
        : string.Create(CultureInfo.InvariantCulture, $"{Name} ({string.Join(", ", Environment.Select(kv => $"{kv.Key}={KnobTemplate.Render(kv.Value, limit)}"))})");
}
