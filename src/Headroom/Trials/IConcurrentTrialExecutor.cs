namespace Headroom.Trials;

/// <summary>
/// An executor with several trial slots: <see cref="ITrialExecutor.RunAsync"/> may be called any number of times at
/// once; at most <see cref="Slots"/> trials run at a time, and calls waiting for a slot start in the order they were
/// made. Experiments submit independent trials through <see cref="TrialBatch"/>, which uses the slots.
/// </summary>
public interface IConcurrentTrialExecutor : ITrialExecutor
{
    int Slots { get; }
}

/// <summary>How many trials an executor runs at once.</summary>
public static class TrialSlots
{
    /// <summary><see cref="IConcurrentTrialExecutor.Slots"/>, or 1 for an executor that runs one trial at a time.</summary>
    public static int Of(ITrialExecutor executor) => executor is IConcurrentTrialExecutor { Slots: > 1 } concurrent ? concurrent.Slots : 1;
}
