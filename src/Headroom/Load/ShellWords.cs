using System.Text;

namespace Headroom.Load;

/// <summary>Splits one command line into words the way a POSIX shell does for quotes and backslashes (no expansion).</summary>
internal static class ShellWords
{
    public static IReadOnlyList<string> Split(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }
                    break;
                case '\'':
                    inWord = true;
                    var close = commandLine.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw Unterminated(commandLine, '\'');
                    }
                    word.Append(commandLine, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    inWord = true;
                    i = ReadDoubleQuoted(commandLine, i + 1, word);
                    break;
                case '\\':
                    inWord = true;
                    if (i + 1 < commandLine.Length)
                    {
                        i++;
                        if (commandLine[i] != '\n')
                        {
                            word.Append(commandLine[i]);
                        }
                    }
                    break;
                default:
                    inWord = true;
                    word.Append(c);
                    break;
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    /// <summary>Joins words into one line that <see cref="Split"/> reads back as the same words.</summary>
    public static string Join(IEnumerable<string> words) =>
        string.Join(' ', words.Select(w => w.Length > 0 && w.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c))
            ? w
            : "'" + w.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));

    /// <summary>Reads up to the closing double quote; returns its index.</summary>
    private static int ReadDoubleQuoted(string line, int start, StringBuilder word)
    {
        for (var i = start; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                return i;
            }
            // Inside double quotes a backslash escapes only these, as in sh.
            if (c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$' or '`')
            {
                word.Append(line[++i]);
                continue;
            }
            word.Append(c);
        }
        throw Unterminated(line, '"');
    }

    private static UserInputException Unterminated(string line, char quote) =>
        new($"unterminated {quote} quote in load arguments '{line}': close the quote");
}
