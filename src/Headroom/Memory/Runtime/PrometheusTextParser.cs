using System.Globalization;
using System.Text;

namespace Headroom.Memory.Runtime;

/// <summary>
/// The Prometheus text exposition format (0.0.4, and the OpenMetrics text that shares its sample lines): comments,
/// <c># HELP</c> / <c># TYPE</c> lines, and <c>name{labels} value [timestamp]</c> samples.
/// </summary>
internal static class PrometheusTextParser
{
    /// <summary>All samples, or null with the first offending line when the body is not in this format.</summary>
    public static IReadOnlyList<PrometheusSample>? TryParse(string body, out string? badLine)
    {
        var samples = new List<PrometheusSample>();
        badLine = null;
        foreach (var rawLine in body.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var sample = TryParseSample(line);
            if (sample is null)
            {
                badLine = line.Length > 60 ? line[..60] + "…" : line;
                return null;
            }
            samples.Add(sample);
        }
        return samples;
    }

    private static PrometheusSample? TryParseSample(string line)
    {
        var position = 0;
        if (!IsNameStart(line[0]))
        {
            return null;
        }
        while (position < line.Length && IsNameChar(line[position]))
        {
            position++;
        }
        var name = line[..position];
        var labels = new List<KeyValuePair<string, string>>();
        if (position < line.Length && line[position] == '{')
        {
            position++;
            if (!TryParseLabels(line, ref position, labels))
            {
                return null;
            }
        }
        var rest = line[position..].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length is < 1 or > 2 || !TryParseValue(rest[0], out var value))
        {
            return null;
        }
        if (rest.Length == 2 && !double.TryParse(rest[1], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return null;
        }
        return new PrometheusSample(name, labels, value);
    }

    private static bool TryParseLabels(string line, ref int position, List<KeyValuePair<string, string>> labels)
    {
        while (true)
        {
            SkipSpaces(line, ref position);
            if (position >= line.Length)
            {
                return false;
            }
            if (line[position] == '}')
            {
                position++;
                return true;
            }
            var start = position;
            if (!IsNameStart(line[position]) || line[position] == ':')
            {
                return false;
            }
            while (position < line.Length && IsNameChar(line[position]) && line[position] != ':')
            {
                position++;
            }
            var labelName = line[start..position];
            SkipSpaces(line, ref position);
            if (position + 1 >= line.Length || line[position] != '=' )
            {
                return false;
            }
            position++;
            SkipSpaces(line, ref position);
            if (position >= line.Length || line[position] != '"')
            {
                return false;
            }
            position++;
            var value = new StringBuilder();
            while (true)
            {
                if (position >= line.Length)
                {
                    return false;
                }
                var c = line[position++];
                if (c == '"')
                {
                    break;
                }
                if (c == '\\')
                {
                    if (position >= line.Length)
                    {
                        return false;
                    }
                    var escaped = line[position++];
                    value.Append(escaped == 'n' ? '\n' : escaped);
                    continue;
                }
                value.Append(c);
            }
            labels.Add(new(labelName, value.ToString()));
            SkipSpaces(line, ref position);
            if (position < line.Length && line[position] == ',')
            {
                position++;
            }
        }
    }

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "NaN":
                value = double.NaN;
                return true;
            case "+Inf" or "Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    private static void SkipSpaces(string line, ref int position)
    {
        while (position < line.Length && line[position] is ' ' or '\t')
        {
            position++;
        }
    }

    private static bool IsNameStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or ':';

    private static bool IsNameChar(char c) => IsNameStart(c) || c is >= '0' and <= '9';
}
