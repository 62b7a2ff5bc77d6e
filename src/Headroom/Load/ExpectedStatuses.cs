using System.Globalization;

namespace Headroom.Load;

/// <summary>
/// Which HTTP statuses count as a success: 2xx and 3xx by default (a service that answers 404 or 503 to every
/// request is not serving its load), or a list given with <c>--expect 200,404</c> (codes, or classes such as
/// <c>2xx</c>). A request that got no response at all never succeeds.
/// </summary>
public sealed record ExpectedStatuses
{
    private readonly int[] _codes;
    private readonly int[] _classes;

    private ExpectedStatuses(int[] codes, int[] classes, string text)
    {
        _codes = codes;
        _classes = classes;
        Text = text;
    }

    /// <summary>2xx and 3xx.</summary>
    public static ExpectedStatuses Default { get; } = new([], [2, 3], "2xx,3xx");

    /// <summary>As given (<c>200,404</c>, <c>2xx</c>), for reports and for a spec's hash.</summary>
    public string Text { get; }

    public bool IsDefault => Text == Default.Text;

    public bool IsExpected(int status) => Array.IndexOf(_codes, status) >= 0 || Array.IndexOf(_classes, status / 100) >= 0;

    /// <summary>Parses <c>200,404</c> or <c>2xx,301</c>; a one-line <see cref="UserInputException"/> when it is not that.</summary>
    public static ExpectedStatuses Parse(string text, string option = "--expect")
    {
        var codes = new List<int>();
        var classes = new List<int>();
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var part in parts)
        {
            if (part.Length == 3 && part[0] is >= '1' and <= '5' && part.EndsWith("xx", StringComparison.OrdinalIgnoreCase))
            {
                classes.Add(part[0] - '0');
            }
            else if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599)
            {
                codes.Add(code);
            }
            else
            {
                throw new UserInputException($"{option} takes HTTP statuses such as 200,404 or 2xx (got '{text}')");
            }
        }
        if (parts.Length == 0)
        {
            throw new UserInputException($"{option} takes HTTP statuses such as 200,404 or 2xx (got '{text}')");
        }
        return new ExpectedStatuses([.. codes], [.. classes], string.Join(',', parts).ToLowerInvariant());
    }

    public bool Equals(ExpectedStatuses? other) => other is not null && other.Text == Text;

    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Text;
}
