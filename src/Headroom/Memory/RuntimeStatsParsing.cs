namespace Headroom.Memory;

/// <summary>Turns a stats endpoint's answer into <see cref="RuntimeFigures"/>.</summary>
internal static class RuntimeStatsParsing
{
    public static RuntimeFigures? Parse(string body, string? contentType) =>
        throw new FormatException($"runtime stats parsing is not merged yet ({contentType}, {body.Length} bytes)");
}
