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
/// <remarks>
/// With N slots each round runs up to N trials at once: the bracket is split into N+1 parts instead of two, a
/// bracketing step also tries the N-1 steps that would follow it if each one passed, and a confirmation runs the
/// confirming trials side by side. The verdicts and the end conditions are the same as with one slot, so the edge
/// means the same; with one slot every round is the one trial the sequential search runs.
/// </remarks>
internal sealed class LimitGridSearch(
    Func<long, LimitVerdict> verdict, Func<IReadOnlyList<(long Limit, string Step)>, Task> runAsync, Func<int> trialsLeft,
    Func<long, int> trialsAt, int confirm, int slots = 1)
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
            var capacity = Math.Min(Math.Max(1, slots), trialsLeft());
            if (capacity <= 0)
            {
                return (GridSearchEnd.OutOfTrials, null, lo);
            }

            IReadOnlyList<(long, string)> round;
            if (lo is null && hi is null)
            {
                var first = Math.Clamp(start, floor, ceiling);
                round = [(first, "start"), .. AroundStart(first, floor, ceiling, capacity - 1, ref stepsDown, ref stepsUp)];
            }
            else if (hi is null)
            {
                if (lo >= ceiling)
                {
                    return (GridSearchEnd.FailsAtCeiling, null, lo);
                }
                round = Steps(lo!.Value, +1, ceiling, capacity, ref stepsUp, start, "bracket up");
            }
            else if (lo is null)
            {
                round = hi <= floor
                    ? Confirm(hi.Value, capacity)
                    : Steps(hi.Value, -1, floor, capacity, ref stepsDown, start, "bracket down");
            }
            else if (hi - lo > 1)
            {
                round = Split(lo.Value, hi.Value, capacity);
            }
            else
            {
                round = Confirm(hi.Value, capacity);
            }
            await runAsync(round);
        }
    }

    /// <summary>The confirming trials <paramref name="k"/> still needs, as many at once as there are slots.</summary>
    private List<(long, string)> Confirm(long k, int capacity) =>
        [.. Enumerable.Repeat((k, "confirm"), Math.Min(capacity, Math.Max(1, confirm - trialsAt(k))))];

    /// <summary>
    /// From <paramref name="from"/> in <paramref name="direction"/>, the next step and the ones that would follow it if
    /// each came out the same way (steps double), up to <paramref name="bound"/>.
    /// </summary>
    private static List<(long, string)> Steps(long from, int direction, long bound, int count, ref int steps, long start, string name)
    {
        var limits = new List<(long, string)>();
        var k = from;
        while (limits.Count < count && k != bound)
        {
            k = direction > 0 ? Math.Min(k + Step(start, steps++), bound) : Math.Max(k - Step(start, steps++), bound);
            limits.Add((k, name));
        }
        return limits;
    }

    /// <summary>Spare slots at the start: steps below and above it, alternately (which way the edge lies is unknown).</summary>
    private static List<(long, string)> AroundStart(long start, long floor, long ceiling, int count, ref int stepsDown, ref int stepsUp)
    {
        var limits = new List<(long, string)>();
        long below = start, above = start;
        while (limits.Count < count && (below > floor || above < ceiling))
        {
            if (below > floor)
            {
                below = Math.Max(below - Step(start, stepsDown++), floor);
                limits.Add((below, "bracket down"));
            }
            if (limits.Count < count && above < ceiling)
            {
                above = Math.Min(above + Step(start, stepsUp++), ceiling);
                limits.Add((above, "bracket up"));
            }
        }
        return limits;
    }

    /// <summary>The bracket cut into <paramref name="count"/> + 1 parts (bisection for one slot); every inner limit when it has no more.</summary>
    private static List<(long, string)> Split(long lo, long hi, int count)
    {
        var inner = hi - lo - 1;
        if (inner <= count)
        {
            return [.. Enumerable.Range(1, (int)inner).Select(i => (lo + i, "bisect"))];
        }
        return [.. Enumerable.Range(1, count).Select(j => (lo + (hi - lo) * j / (count + 1), "bisect")).Distinct()];
    }

    private static long Step(long start, int doublings) =>
        Math.Max(1, (long)Math.Round(start * FirstStepShare * Math.Pow(2, doublings)));
}
