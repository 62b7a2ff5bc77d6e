using System.CommandLine;
using Headroom.Cli.Commands;

namespace Headroom.Cli;

/// <summary>Builds the command tree, turns parse errors and user errors into one line and exit code 2.</summary>
public static class HeadroomApp
{
    public const int UsageError = 2;
    public const int Interrupted = 130;

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "Headroom finds how much memory a service really needs under load, and how to set Kubernetes memory " +
            "limits and the runtime's own memory limit so that it is neither OOM-killed nor wasting what it paid for.");
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stderr ??= Console.Error;
        var root = BuildRoot();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command;
            var name = command == root ? "headroom" : $"headroom {command.Name}";
            await stderr.WriteLineAsync($"headroom: {parsed.Errors[0].Message} (see '{name} --help')");
            return UsageError;
        }
        try
        {
            var config = new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                // Ctrl+C cancels the token every command awaits; cleanup (killing the target, removing its cgroup,
                // restoring a Deployment) needs more than the library's default 2 s before it force-exits.
                ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
            };
            if (stdout is not null)
            {
                config.Output = stdout;
                config.Error = stderr;
            }
            return await parsed.InvokeAsync(config);
        }
        catch (UserInputException e)
        {
            await stderr.WriteLineAsync($"headroom: {e.Message}");
            return UsageError;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("headroom: interrupted; everything it started has been stopped and removed.");
            return Interrupted;
        }
    }
}
