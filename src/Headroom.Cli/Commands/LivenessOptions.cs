using System.CommandLine;
using Headroom.Runners.Trial;

namespace Headroom.Cli.Commands;

/// <summary><c>--liveness</c> and <c>--liveness-timing</c>, the same for <c>run</c> and the experiment commands.</summary>
internal static class LivenessOptions
{
    public static readonly Option<string?> Url = new("--liveness")
    {
        Description = "Liveness URL every trial probes from ready to stop, as a kubelet does (default: the readiness URL; none = no probe). Failing it is the outcome 'unresponsive'; with --restarts the target is killed and started again.",
    };

    public static readonly Option<string?> Timing = new("--liveness-timing")
    {
        Description = "The liveness probe's PERIOD/TIMEOUT/FAILURES in seconds (default 1/1/3, a trial's time scale); kubernetes = a kubelet's own 10/1/3.",
    };

    public static IEnumerable<Option> All => [Url, Timing];

    /// <summary>The settings given on the command line, or null when neither option is.</summary>
    public static LivenessSettings? Read(ParseResult parsed) =>
        parsed.GetValue(Url) is null && parsed.GetValue(Timing) is null ? null : LivenessSettings.Parse(parsed.GetValue(Url), parsed.GetValue(Timing));
}
