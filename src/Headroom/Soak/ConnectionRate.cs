using System.Globalization;
using Headroom.Load;

namespace Headroom.Soak;

/// <summary>
/// At a fixed arrival rate each connection carries rate / connections requests a second. Below one a second most
/// connections sit idle and the run measures idle sockets rather than the load, so that is refused.
/// </summary>
public static class ConnectionRate
{
    public static void Check(int connections, double rate)
    {
        if (rate > 0 && connections > rate)
        {
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                $"-c {connections} is more connections than --rate {rate} keeps busy (each needs at least one request a second): lower -c or raise the rate"));
        }
    }

    /// <summary>Checks a load given as hey's flags (with or without its URL): its <c>-c</c> against its <c>--rate</c>.</summary>
    public static void CheckFlags(string heyFlags)
    {
        var options = Parse(heyFlags);
        Check(options.Concurrency, options.TotalRate);
    }

    /// <summary>The connections (<c>-c</c>) of a load given as hey's flags.</summary>
    public static int ConnectionsOf(string heyFlags) => Parse(heyFlags).Concurrency;

    private static LoadOptions Parse(string heyFlags)
    {
        var words = HeyArguments.Split(heyFlags);
        var hasUrl = words.Any(w => w.StartsWith("http://", StringComparison.Ordinal) || w.StartsWith("https://", StringComparison.Ordinal));
        return HeyArguments.Parse(hasUrl ? words : [.. words, "http://127.0.0.1/"]);
    }
}
