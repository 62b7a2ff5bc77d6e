namespace Headroom.Experiments;

/// <summary>How <see cref="EdgeSearch"/> walks the limits.</summary>
public enum EdgeStrategy
{
    /// <summary>Start at the prediction, bracket, bisect, confirm only the final candidate (the default).</summary>
    Bisect,

    /// <summary>
    /// Step down one resolution at a time from the unlimited peak, confirming every limit, until one fails: the naive
    /// search, for comparison (<c>bench/study-cost</c>). Slow by design; <see cref="EdgeSearchOptions.MaxTrials"/>
    /// does not apply (the scan cannot go back and forth).
    /// </summary>
    Linear,
}
