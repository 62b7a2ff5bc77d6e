using System.CommandLine;
using Headroom.Init;

namespace Headroom.Cli.Commands;

/// <summary><c>headroom init -- command…</c>: a commented headroom.yaml for the user's own service, from one unlimited start of it.</summary>
internal static class InitCommand
{
    private static readonly Option<string> s_out = new("--out", "-o") { Description = "The file to write.", DefaultValueFactory = _ => "headroom.yaml" };
    private static readonly Option<bool> s_force = new("--force") { Description = "Overwrite the file if it exists." };
    private static readonly Option<double> s_wait = new("--wait") { Description = "Seconds to wait for the service to listen on a port.", DefaultValueFactory = _ => 60 };
    private static readonly Argument<string[]> s_command = new("command") { Description = "The service's command after '--' (as you start it by hand).", Arity = ArgumentArity.ZeroOrMore };

    public static Command Create()
    {
        var command = new Command("init",
            "Write a commented headroom.yaml for your service: start the command once without a limit, find the TCP " +
            "ports it listens on (its sockets), find a readiness URL that answers and a stats URL (/debug/vars, /metrics), " +
            "guess its runtime, and leave the load as a marked line to fill in. The file runs as it is with 'headroom study -f'.")
        {
            s_out,
            s_force,
            s_wait,
        };
        command.Arguments.Add(s_command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var line = parsed.GetValue(s_command) ?? [];
            if (line.Length == 0)
            {
                throw new UserInputException("give the service's command after '--', e.g. headroom init -- ./my-service --port 8080");
            }
            var path = parsed.GetValue(s_out)!;
            if (File.Exists(path) && !parsed.GetValue(s_force))
            {
                throw new UserInputException($"{path} exists; give --force to overwrite it, or -o another file");
            }
            var error = parsed.InvocationConfiguration.Error;
            await error.WriteLineAsync($"headroom: starting {string.Join(' ', line)} once, without a limit, to see what it listens on");
            var facts = await ServiceProbe.ProbeAsync(line, TimeSpan.FromSeconds(parsed.GetValue(s_wait)), cancellationToken);
            await File.WriteAllTextAsync(path, InitSpecWriter.Write(line, facts), cancellationToken);
            var output = parsed.InvocationConfiguration.Output;
            await output.WriteLineAsync($"wrote {path}: ports {string.Join(", ", facts.Ports)}; ready {facts.ReadyUrl?.ToString() ?? "not found"}; stats {facts.StatsUrl?.ToString() ?? "not found"}; runtime {facts.Runtime?.ToString().ToLowerInvariant() ?? "not detected"}");
            await output.WriteLineAsync($"next: put your real load on the line marked '{InitSpecWriter.LoadMarker}', then: headroom study -f {path}");
            return 0;
        });
        return command;
    }
}
