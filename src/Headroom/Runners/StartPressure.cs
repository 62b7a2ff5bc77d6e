using System.Globalization;
using Headroom.Limits;
using Headroom.Memory;

namespace Headroom.Runners;

/// <summary>
/// Why a start that never became ready is the limit's doing, not a wrong URL: charged memory at the limit and major
/// faults climbing (the runtime's own files being read again and again, too slowly for the thrashing detector's
/// threshold).
/// </summary>
public static class StartPressure
{
    private const long MinimumMajorFaults = 100;

    /// <summary>The evidence of memory pressure in the start's samples, or null when they show none.</summary>
    public static string? Describe(IReadOnlyList<MemorySample> samples, MemoryQuantity? limit, double nearLimit)
    {
        var read = samples.Where(s => s.UsageBytes is not null).ToList();
        if (limit is not { } l || read.Count < 2 || read[^1].UsageBytes < nearLimit * l.Bytes)
        {
            return null;
        }
        var faults = (read[^1].MajorFaults ?? 0) - (read[0].MajorFaults ?? 0);
        return faults < MinimumMajorFaults
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"at the limit ({read[^1].UsageBytes / 1048576.0:0.0} MiB charged of {l}) with pgmajfault +{faults:N0} since the start");
    }

    /// <summary>The start-failed evidence with the pressure and the wait added.</summary>
    public static string AddTo(string evidence, string pressure, TimeSpan readyTimeout) =>
        evidence.Replace("never became ready",
            string.Create(CultureInfo.InvariantCulture, $"never became ready within {readyTimeout.TotalSeconds:0.#} s, {pressure}"),
            StringComparison.Ordinal);
}
