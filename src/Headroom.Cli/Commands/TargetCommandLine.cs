using System.CommandLine;
using Headroom.Runners.Local;
using Headroom.Specs;

namespace Headroom.Cli.Commands;

/// <summary>
/// The target given on the command line of an experiment command, as <c>run</c> takes it:
/// <c>headroom study --ready URL --load "…" -- command args…</c>, so a study of any service needs no spec file.
/// With <c>-f</c>, <c>--ready</c>, <c>--stats</c>, <c>--env</c> (the container runners' option, also the local runner's), <c>--files</c> and <c>--warm</c> override the spec's.
/// </summary>
internal sealed class TargetCommandLine
{
    public Argument<string[]> Command { get; } = new("command") { Description = "The target's command after '--' (instead of -f or --target).", Arity = ArgumentArity.ZeroOrMore };
    public Option<string?> Ready { get; } = new("--ready") { Description = "Readiness URL that answers 2xx once the target takes load; none = ready when started." };
    public Option<string?> Stats { get; } = new("--stats") { Description = "The runtime's stats URL: expvar JSON (/debug/vars) or Prometheus text (/metrics). A JVM's figures are read from its hsperfdata without one." };
    public Option<string[]> Files { get; } = new("--files") { Description = FilesDescription, AllowMultipleArgumentsPerToken = true };
    public Option<bool> Warm { get; } = new("--warm") { Description = WarmDescription };

    public const string FilesDescription =
        "Files or folders (recursively) evicted before each cold start besides those found: what the command names, every file its processes " +
        "map or hold open (found by a first start without load, stored in the study folder as cold-set.json), and the install folders of the " +
        "runtime they map (JDK home, Python's standard library, the .NET framework).";

    public const string WarmDescription =
        "Leave the page cache as it is. By default the target's files are evicted before every trial (cold start), so they are charged to its cgroup as in a fresh container.";

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Ready, Stats, Files, Warm })
        {
            command.Options.Add(option);
        }
        command.Arguments.Add(Command);
    }

    public IReadOnlyList<string> CommandLine(ParseResult parsed) => parsed.GetValue(Command) ?? [];

    /// <summary>The spec with the command line's target (or overrides) applied.</summary>
    public StudySpec Apply(ParseResult parsed, StudySpec spec)
    {
        var command = CommandLine(parsed);
        var target = spec.Target;
        if (command.Count > 0)
        {
            if (TargetFiles.ResolveExecutable(command[0]) is null)
            {
                throw new UserInputException($"command '{command[0]}' not found (not a file and not on PATH); check the command after '--'");
            }
            spec = spec with { Name = Path.GetFileName(command[0]) };
            target = new TargetSpec { Command = command[0], Args = [.. command.Skip(1)] };
        }
        if (parsed.GetValue(Ready) is { } ready) target = target with { ReadyUrl = Url(ready, "--ready") };
        if (parsed.GetValue(Stats) is { } stats) target = target with { StatsUrl = Url(stats, "--stats") };
        if (parsed.GetValue(ContainerRunnerOptions.Environment) is { Length: > 0 } env) target = target with { Env = ParseEnv(env, target.Env) };
        if (parsed.GetValue(Files) is { Length: > 0 } files) target = target with { Files = [.. files.Select(f => Path.GetFullPath(f))] };
        if (parsed.GetValue(Warm)) spec = spec with { Warm = true };
        return spec with { Target = target };
    }

    /// <summary>KEY=VALUE pairs over the spec's env.</summary>
    public static IReadOnlyDictionary<string, string> ParseEnv(IEnumerable<string> pairs, IReadOnlyDictionary<string, string>? over = null)
    {
        var env = new Dictionary<string, string>(over ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UserInputException($"--env '{pair}' is not NAME=VALUE; e.g. --env SALES_API_HOST=0.0.0.0");
            }
            env[pair[..equals]] = pair[(equals + 1)..];
        }
        return env;
    }

    private static string Url(string text, string flag) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? text
            : throw new UserInputException($"{flag} '{text}' is not an http:// URL; use e.g. http://127.0.0.1:3000/v1/readiness");
}
