using System.CommandLine;
using Headroom.Runners.Trial;

namespace Headroom.Cli.Commands;

/// <summary><c>--load-timeout</c>: the longest one trial's load may run, the same for <c>run</c>, <c>verify</c> and the experiment commands.</summary>
internal static class LoadTimeoutOption
{
    public static readonly Option<string?> Option = new("--load-timeout")
    {
        Description = "The longest one trial's load may run, e.g. 90s or 5m; a load still running then ends the trial (at the limit: 'thrashing', with the bound as evidence). Default: max(10 s, 5 x the unlimited baseline's load), or 10 min without a baseline (run).",
    };

    /// <summary>The bound given on the command line, or null; a one-line error for a bad or non-positive duration.</summary>
    public static TimeSpan? Read(ParseResult parsed) => parsed.GetValue(Option) is { } text ? TrialBounds.ParseLoadTimeout(text, "--load-timeout") : null;
}
