using Headroom.Runners;
using Headroom.Runners.Local;
using Headroom.Targets;

namespace Headroom.Cli.Commands;

/// <summary>Turns the target flags of <c>run</c> into a target definition and its load: a bundled sample (<c>--target</c>) when no command is given.</summary>
internal static class TrialTargets
{
    public static (ITargetDefinition Target, ITrialLoad? Load) FromCommandLine(
        string? sample, IReadOnlyList<string> command, string? ready, string? stats, IReadOnlyList<string> files, string? load, IProgress<string> progress,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        if (command.Count == 0)
        {
            var build = BundledSamples.Find(sample ?? BundledSamples.SalesApi, Environment.CurrentDirectory);
            return (new SalesApiTarget(build, progress), TrialLoads.ForSample(load));
        }
        var launch = new TargetLaunch(command)
        {
            ReadyUrl = Url(ready, "--ready"),
            StatsUrl = Url(stats, "--stats"),
            Files = files.Select(Path.GetFullPath).ToArray(),
            Environment = environment ?? new Dictionary<string, string>(),
        };
        return (new CommandTarget(launch), TrialLoads.FromHeyArguments(load));
    }

    private static Uri? Url(string? text, string flag)
    {
        if (text is null)
        {
            return null;
        }
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new UserInputException($"{flag} '{text}' is not an http:// URL; use e.g. http://127.0.0.1:3000/v1/readiness");
    }
}
