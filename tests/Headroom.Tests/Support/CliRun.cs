using Headroom.Cli;

namespace Headroom.Tests.Support;

/// <summary>Runs the <c>headroom</c> command in-process, as a user would from a shell, and keeps what it printed.</summary>
internal static class CliRun
{
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await HeadroomApp.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
