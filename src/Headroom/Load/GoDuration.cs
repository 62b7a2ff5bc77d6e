using System.Globalization;

namespace Headroom.Load;

/// <summary>Parses durations as hey (Go's time.ParseDuration) writes them: <c>10s</c>, <c>1m30s</c>, <c>500ms</c>, <c>2h</c>; a bare number is seconds.</summary>
internal static class GoDuration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var bareSeconds))
        {
            if (bareSeconds < 0 || double.IsNaN(bareSeconds) || bareSeconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                return false;
            }
            duration = TimeSpan.FromSeconds(bareSeconds);
            return true;
        }
        var totalSeconds = 0.0;
        var i = 0;
        while (i < text.Length)
        {
            var numberStart = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }
            if (i == numberStart ||
                !double.TryParse(text.AsSpan(numberStart, i - numberStart), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }
            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]) || i < text.Length && text[i] == 'µ')
            {
                i++;
            }
            double? scale = text[unitStart..i] switch
            {
                "h" => 3600,
                "m" => 60,
                "s" => 1,
                "ms" => 1e-3,
                "us" or "µs" => 1e-6,
                "ns" => 1e-9,
                _ => null,
            };
            if (scale is null)
            {
                return false;
            }
            totalSeconds += value * scale.Value;
        }
        if (totalSeconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }
        duration = TimeSpan.FromSeconds(totalSeconds);
        return true;
    }
}
