using System.Globalization;

namespace Headroom.Curve;

/// <summary>What a curve varies between levels: the load's connections (<c>-c</c>) or its fixed arrival rate (<c>--rate</c>).</summary>
public sealed record CurveAxis(string Name, string Unit, string Flag)
{
    public static readonly CurveAxis Connections = new("concurrency", "connections", "-c");
    public static readonly CurveAxis Rate = new("rate", "req/s", "--rate");

    /// <summary>hey's flag that sets this level, appended to the load (the last value of a flag wins).</summary>
    public string LoadFlag(double level) => string.Create(CultureInfo.InvariantCulture, $"{Flag} {level}");

    public string Describe(double level) => string.Create(CultureInfo.InvariantCulture, $"{level:0.##} {Unit}");

    /// <summary>
    /// The levels of <c>--concurrency 1,10,50</c>: numbers above 0 (whole for connections), strictly increasing, at
    /// least two; a one-line <see cref="UserInputException"/> otherwise.
    /// </summary>
    public IReadOnlyList<double> ParseLevels(string text)
    {
        var option = this == Connections ? "--concurrency" : "--rates";
        var levels = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var level) || !(level > 0) || !double.IsFinite(level)
                || (this == Connections && level != Math.Floor(level)))
            {
                throw new UserInputException($"{option} '{text}': '{part}' is not {(this == Connections ? "a whole number of connections" : "a rate")} above 0");
            }
            if (levels.Count > 0 && level <= levels[^1])
            {
                throw new UserInputException($"{option} '{text}' is not increasing ({levels[^1].ToString(CultureInfo.InvariantCulture)} then {part}): list the levels from low to high");
            }
            levels.Add(level);
        }
        if (levels.Count < 2)
        {
            throw new UserInputException($"{option} '{text}' has one level; a curve needs at least two, e.g. 1,10,50,100");
        }
        return levels;
    }
}
