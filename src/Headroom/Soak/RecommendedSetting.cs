using Headroom.Experiments;
using Headroom.Knobs;
using Headroom.Limits;

namespace Headroom.Soak;

/// <summary>The setting a study recommends, as a trial runs it: the memory limit and the runtime's limit variable as a knob set.</summary>
public sealed record RecommendedSetting(MemoryQuantity Limit, KnobSet Knobs)
{
    /// <summary>The recommendation's setting; a one-line <see cref="UserInputException"/> when it has no limit.</summary>
    public static RecommendedSetting From(Recommendation recommendation, string where)
    {
        if (recommendation.Limit is not { } limit)
        {
            throw new UserInputException($"the study in {where} recommends no limit ({recommendation.Unavailable}); there is no setting to soak");
        }
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (recommendation.RuntimeLimit is { } runtime)
        {
            // A resourceFieldRef gives the runtime the container's limit in bytes.
            environment[runtime.Variable] = runtime.FromResourceField
                ? (runtime.Bytes ?? limit).Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : runtime.Value;
        }
        return new RecommendedSetting(limit, new KnobSet("recommended", environment));
    }
}
