using System.Runtime.InteropServices;
using System.CommandLine;
using Headroom.Cli.Commands;

namespace Headroom.Cli;

/// <summary>Builds the command tree, turns parse errors and user errors into one line and exit code 2.</summary>
public static class HeadroomApp
{
    public const int UsageError = 2;
    public const int OutputError = 1;
    public const int Interrupted = 130;
    public const int InternalError = 70;

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
        if (args.Length > 0 && !args[0].StartsWith('-') && root.Subcommands.All(c => c.Name != args[0]))
        {
            await stderr.WriteLineAsync($"headroom: unknown command '{args[0]}'; commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))} (see 'headroom --help')");
            return UsageError;
        }
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command;
            var name = command == root ? "headroom" : $"headroom {command.Name}";
            await stderr.WriteLineAsync($"headroom: {OneLine(parsed.Errors[0].Message)} (see '{name} --help')");
            return UsageError;
        }
        try
        {
            var config = new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                // The library's own handler returns 130/143 as soon as its timeout passes or the signal comes, and the
                // process then exits while cleanup (killing the target, removing its cgroup, restoring a Deployment)
                // is still running. Ctrl+C and SIGTERM cancel the token here instead, and the command ends only
                // after its finally blocks have run.
                ProcessTerminationTimeout = null,
            };
            if (stdout is not null)
            {
                config.Output = stdout;
                config.Error = stderr;
            }
            using var interrupted = new CancellationTokenSource();
            void Interrupt(PosixSignalContext context)
            {
                context.Cancel = true;
                interrupted.Cancel();
            }
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
            return await parsed.InvokeAsync(config, interrupted.Token);
        }
        catch (UserInputException e)
        {
            await stderr.WriteLineAsync($"headroom: {OneLine(e.Message)}");
            return UsageError;
        }
        catch (OutputFolderException e)
        {
            await stderr.WriteLineAsync($"headroom: {OneLine(e.Message)}");
            return OutputError;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("headroom: interrupted; everything it started has been stopped and removed.");
            return Interrupted;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A defect of ours, not the user's input: one line, with the details kept for the bug report in a private
            // folder (never a predictable name in a shared /tmp). Trials already finished are in the study folder and
            // a --resume picks up from them.
            var details = OperatingSystem.IsWindows() ? null : CrashDetails.Keep(e, stderr);
            var where = details is null ? "details above" : $"details in {details}";
            await stderr.WriteLineAsync($"headroom: unexpected error ({e.GetType().Name}: {OneLine(e.Message)}); {where}");
            return InternalError;
        }
    }

    /// <summary>The longest error line printed; a message quoting more of the input is cut in the middle.</summary>
    public const int MaxErrorLength = 1000;

    /// <summary>
    /// An error as one line of bounded length: the message may quote input (a spec value, a response body) that is
    /// megabytes long or holds line breaks.
    /// </summary>
    public static string OneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var line = message.ReplaceLineEndings(" ");
        if (line.Length <= MaxErrorLength)
        {
            return line;
        }
        var half = (MaxErrorLength - 40) / 2;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{line[..half]} ...({line.Length - 2 * half} characters cut)... {line[^half..]}");
    }
}
