using System.Runtime.InteropServices;
using System.CommandLine;
using Headroom.Cli.Commands;

namespace Headroom.Cli;

/// <summary>Builds the command tree, turns parse errors and user errors into one line and exit code 2.</summary>
public static class HeadroomApp
{
    public const int UsageError = 2;
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
            // An SSH session that drops sends SIGHUP: a run must still restore the Deployment it patched.
            using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Interrupt);
            return await parsed.InvokeAsync(config, interrupted.Token);
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
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A defect of ours, not the user's input: one line, with the details kept in a file for the bug report.
            // Trials already finished are in the study folder and a --resume picks up from them.
            var details = Path.Combine(Path.GetTempPath(), $"headroom-error-{Environment.ProcessId}.txt");
            await File.WriteAllTextAsync(details, e.ToString());
            await stderr.WriteLineAsync($"headroom: unexpected error ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}); details in {details}");
            return InternalError;
        }
    }
}
