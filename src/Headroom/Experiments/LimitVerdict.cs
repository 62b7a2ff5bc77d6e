namespace Headroom.Experiments;

/// <summary>What the trials at one limit say so far, for one search (survival or healthy).</summary>
internal enum LimitVerdict
{
    Untested,
    /// <summary>Final: a trial failed (or, for the healthy search, was judged unhealthy).</summary>
    Fail,
    /// <summary>Passed every trial so far, but fewer than the confirmations needed.</summary>
    PassOnce,
    /// <summary>Confirmed.</summary>
    Pass,
}

/// <summary>How a grid search ended.</summary>
internal enum GridSearchEnd
{
    Found,
    /// <summary>The lowest limit allowed passed, confirmed: the edge is at or below it.</summary>
    PassesAtFloor,
    /// <summary>The highest limit allowed failed: the edge is above it.</summary>
    FailsAtCeiling,
    OutOfTrials,
}
