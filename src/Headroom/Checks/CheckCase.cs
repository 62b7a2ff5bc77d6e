using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Trials;

namespace Headroom.Checks;

/// <summary>
/// One thing <c>headroom check</c> asserts: at <see cref="Limit"/>, with <see cref="Knobs"/>, every confirming trial
/// survives (and, when <see cref="Healthy"/>, keeps its throughput and p99 near the unlimited baseline's). The name
/// is how the case reads in the output, the JUnit file and the GitHub summary.
/// </summary>
public sealed record CheckCase(string Name, MemoryQuantity Limit, KnobSet Knobs, bool Healthy);

/// <summary>A case's trials (the failing one last: a failure is final) and, when it failed, why in one line.</summary>
public sealed record CheckCaseResult(CheckCase Case, IReadOnlyList<TrialResult> Trials, string? Failure)
{
    public bool Passed => Failure is null;
}

/// <summary>The whole gate: the unlimited baseline (run only when a case asks for health) and every case.</summary>
public sealed record CheckResult(TrialResult? Baseline, IReadOnlyList<CheckCaseResult> Cases, int Confirm)
{
    public bool Passed => Cases.All(c => c.Passed);
}
