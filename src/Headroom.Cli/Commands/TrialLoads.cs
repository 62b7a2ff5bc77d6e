using Headroom.Runners;
using Headroom.Targets;

namespace Headroom.Cli.Commands;

/// <summary>The load of a trial from <c>--load</c> (hey's arguments).</summary>
internal static class TrialLoads
{
    /// <summary>A command target: hey's whole argument list, URL included; none = no load.</summary>
    public static ITrialLoad? FromHeyArguments(string? heyArguments) => heyArguments is null ? null : HeyLoad.Parse(heyArguments);

    /// <summary>The bundled sample: hey's flags only (its port is the trial's); none = the article's <c>-c 10 -n 1000</c>.</summary>
    public static ITrialLoad ForSample(string? heyFlags) => new SalesApiLoad(heyFlags);
}
