using Headroom.Load;

namespace Headroom.Specs;

/// <summary>
/// <c>target.command</c> as written: a string split like a shell (<c>python3 -m http.server 8000</c>) or a list of
/// words; <c>target.args</c> are appended. Errors name the key.
/// </summary>
internal static class SpecCommand
{
    public static (string? Command, IReadOnlyList<string> Args) Read(object? command, IReadOnlyList<string>? args, string source)
    {
        IReadOnlyList<string> words = command switch
        {
            null => [],
            string text => ShellWords.Split(text),
            List<object> list => [.. list.Select(w => w?.ToString() ?? "")],
            _ => throw new UserInputException($"{source}: target.command is a string (split like a shell) or a list of words"),
        };
        if (command is not null && (words.Count == 0 || string.IsNullOrWhiteSpace(words[0])))
        {
            throw new UserInputException($"{source}: target.command is empty; give the program to run, e.g. command: python3 -m http.server 8000");
        }
        return words.Count == 0 ? (null, args ?? []) : (words[0], [.. words.Skip(1), .. args ?? []]);
    }
}
