using System.Globalization;
using System.Text.RegularExpressions;
using Headroom.Limits;

namespace Headroom.Knobs;

/// <summary>Expands <c>{limit…}</c> placeholders in a knob's value (see <see cref="KnobSet"/>).</summary>
public static partial class KnobTemplate
{
    [GeneratedRegex(@"\{limit(?:\*(?<factor>[0-9]*\.?[0-9]+))?(?::(?<format>hex|mib|bytes))?\}")]
    private static partial Regex Placeholder();

    public static string Render(string template, MemoryQuantity limit) =>
        Placeholder().Replace(template, match =>
        {
            var factor = match.Groups["factor"].Success
                ? double.Parse(match.Groups["factor"].Value, CultureInfo.InvariantCulture)
                : 1.0;
            var bytes = (long)Math.Floor(limit.Bytes * factor);
            return match.Groups["format"].Value switch
            {
                "hex" => bytes.ToString("x", CultureInfo.InvariantCulture),
                "mib" => Math.Max(1, bytes / MemoryQuantity.Mebibyte).ToString(CultureInfo.InvariantCulture),
                _ => bytes.ToString(CultureInfo.InvariantCulture),
            };
        });

    /// <summary>
    /// The template in words, for a report that covers many limits: <c>{limit:hex}</c> → <c>the limit in hex bytes</c>
    /// (a report never prints a placeholder as if it were a value).
    /// </summary>
    public static string Words(string template) =>
        Placeholder().Replace(template, match =>
        {
            var limit = match.Groups["factor"].Success ? $"{match.Groups["factor"].Value} x the limit" : "the limit";
            return match.Groups["format"].Value switch
            {
                "hex" => $"{limit} in hex bytes",
                "mib" => $"{limit} in MiB",
                _ => $"{limit} in bytes",
            };
        });

    /// <summary>True when every <c>{…}</c> in the value is a placeholder this class understands.</summary>
    public static bool IsValid(string template) =>
        !Placeholder().Replace(template, "").Contains('{', StringComparison.Ordinal);
}
