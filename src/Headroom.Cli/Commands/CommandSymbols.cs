using System.CommandLine;

namespace Headroom.Cli.Commands;

/// <summary>How a command is put together: its options and arguments, in the order its help lists them, and its action.</summary>
internal static class CommandSymbols
{
    public static Command With(this Command command, IEnumerable<Symbol> symbols, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        foreach (var symbol in symbols)
        {
            if (symbol is Argument argument)
            {
                command.Arguments.Add(argument);
            }
            else
            {
                command.Options.Add((Option)symbol);
            }
        }
        command.SetAction(action);
        return command;
    }
}
