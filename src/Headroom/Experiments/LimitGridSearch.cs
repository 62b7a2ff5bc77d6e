namespace Headroom.Experiments;

/// <summary>
/// The search both edges share, on a grid of limits (integer multiples of the resolution). Each step re-reads every
/// verdict: <c>lo</c> is the largest failing limit, <c>hi</c> the smallest limit above it that has not failed. With
/// no failure yet it steps down from <c>hi</c>, with nothing passing it steps up from <c>lo</c> (steps start at a
/// quarter of the start and double, so a bad prediction costs a few trials, not a linear scan); once bracketed it
/// bisects; when <c>lo</c> and <c>hi</c> are neighbours it confirms <c>hi</c>. A failure anywhere, also during a
/// confirmation, becomes the new <c>lo</c>, so a limit below a failing one never counts as the edge.
/// Only the final candidate is confirmed: a failure is final at once, and a single survival is enough to bisect on.
/// </summary>
internal sealed class LimitGridSearch(Func<long, LimitVerdict> verdict, Func<long, string, Task> runAsync, Func<bool> outOfTrials)
{
    public const double FirstStepShare = 0.25;

    public async Task<(GridSearchEnd End, long? Edge, long? LargestFailing)> RunAsync(
        IReadOnlyCollection<long> tested, long start, long floor, long ceiling, CancellationToken cancellationToken)
    {
        var stepsDown = 0;
        var stepsUp = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var failing = tested.Where(k => verdict(k) == LimitVerdict.Fail).ToList();
            long? lo = failing.Count == 0 ? null : failing.Max();
            var passing = tested.Where(k => k > (lo ?? long.MinValue) && verdict(k) is LimitVerdict.PassOnce or LimitVerdict.Pass).ToList();
            long? hi = passing.Count == 0 ? null : passing.Min();

            if (hi is { } h && lo is { } l && h - l <= 1 && verdict(h) == LimitVerdict.Pass)
            {
                return (GridSearchEnd.Found, h, l);
            }
            if (hi is { } atFloor && atFloor <= floor && lo is null && verdict(atFloor) == LimitVerdict.Pass)
            {
                return (GridSearchEnd.PassesAtFloor, atFloor, null);
            }
            if (outOfTrials())
            {
                return (GridSearchEnd.OutOfTrials, null, lo);
            }

            if (lo is null && hi is null)
            {
                await runAsync(Math.Clamp(start, floor, ceiling), "start");
            }
            else if (hi is null)
            {
                if (lo >= ceiling)
                {
                    return (GridSearchEnd.FailsAtCeiling, null, lo);
                }
                await runAsync(Math.Min(lo!.Value + Step(start, stepsUp++), ceiling), "bracket up");
            }
            else if (lo is null)
            {
                if (hi <= floor)
                {
                    await runAsync(hi.Value, "confirm");
                }
                else
                {
                    await runAsync(Math.Max(hi.Value - Step(start, stepsDown++), floor), "bracket down");
                }
            }
            else if (hi - lo > 1)
            {
                await runAsync(lo.Value + (hi.Value - lo.Value) / 2, "bisect");
            }
            else
            {
                await runAsync(hi.Value, "confirm");
            }
        }
    }

    private static long Step(long start, int doublings) =>
        Math.Max(1, (long)Math.Round(start * FirstStepShare * Math.Pow(2, doublings)));
}
