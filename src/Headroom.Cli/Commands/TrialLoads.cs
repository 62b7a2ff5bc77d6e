using Headroom.Runners;

namespace Headroom.Cli.Commands;

/// <summary>The load of a trial from <c>--load</c> (hey's arguments).</summary>
internal static class TrialLoads
{
    public static ITrialLoad? FromHeyArguments(string? heyArguments) => heyArguments is null
        ? null
        : throw new UserInputException("--load needs the load generator, which this build does not have yet");

    public static ITrialLoad? ForSample(string? heyArguments) => FromHeyArguments(heyArguments);
}
