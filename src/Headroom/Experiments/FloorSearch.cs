using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// The article's Listing 11: the lowest limit at which a knob set keeps the target alive under the load (the same
/// search as the survival edge, with the knob, starting at the no-knob edge), and what surviving there costs: its
/// req/s and latency against the no-knob edge's.
/// </summary>
public sealed class FloorSearch(ITrialExecutor executor, EdgeSearchOptions options)
{
    public async Task<FloorResult> RunAsync(
        TrialResult baseline, KnobSet knobs, EdgeSearchResult noKnobEdge, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var search = await new EdgeSearch(executor, options with { SearchHealthyEdge = false })
            .RunAsync(baseline, knobs, noKnobEdge.SurvivalEdge, progress, cancellationToken);
        return new FloorResult(
            knobs,
            search,
            At(search, search.SurvivalEdge),
            At(noKnobEdge, noKnobEdge.SurvivalEdge));
    }

    private static FloorPoint? At(EdgeSearchResult search, MemoryQuantity? limit)
    {
        if (limit is not { } l)
        {
            return null;
        }
        var loads = search.TrialsAt(l).Where(t => t.Survived && t.Load is not null).Select(t => t.Load!).ToList();
        return new FloorPoint(
            l,
            Medians.MedianOrNull(loads.Select(x => x.RequestsPerSecond)),
            Medians.MedianOrNull(loads.Select(x => x.AverageLatency)),
            Medians.MedianOrNull(loads.Select(x => x.P99Latency)));
    }
}

/// <summary>Median figures of the confirming trials at an edge.</summary>
public sealed record FloorPoint(MemoryQuantity Limit, double? RequestsPerSecond, TimeSpan? AverageLatency, TimeSpan? P99Latency);

/// <summary>The floor with a knob set, the no-knob edge, and the throughput ratio between them.</summary>
public sealed record FloorResult(KnobSet Knobs, EdgeSearchResult Search, FloorPoint? Floor, FloorPoint? NoKnobEdge)
{
    /// <summary>Floor req/s / no-knob edge req/s (0.01 = the knob keeps it alive at 1 % of the speed).</summary>
    public double? ThroughputRatio => Floor?.RequestsPerSecond is { } f && NoKnobEdge?.RequestsPerSecond is { } e && e > 0 ? f / e : null;
}
