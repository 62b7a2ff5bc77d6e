using Headroom.Limits;
using Headroom.Verification;
using k8s.Models;

namespace Headroom.Experiments;

/// <summary>The runtime's own limit: the variable, its value, and how it was derived.</summary>
public sealed record RuntimeLimit(string Variable, string Value, MemoryQuantity? Bytes, bool FromResourceField, string Derivation);

/// <summary>Whether the matrix's knob set paid off at the limit nearest the recommendation.</summary>
public sealed record KnobVerdict(string KnobSet, MemoryQuantity AtLimit, RatioInterval? Interval, string Verdict)
{
    public bool PaidOff => Interval is { WithinNoise: false, Low: > 1 };
}

/// <summary>
/// The article's advice made concrete from one study's measurements: memory limit and request, the runtime's limit,
/// whether the knob paid off, the caveats the data supports, as prose and as a Kubernetes container snippet.
/// <see cref="Limit"/> is null when the study found no healthy edge; <see cref="Unavailable"/> says why.
/// </summary>
public sealed record Recommendation(
    MemoryQuantity? Limit,
    MemoryQuantity? Request,
    RuntimeLimit? RuntimeLimit,
    KnobVerdict? Knob,
    IReadOnlyList<string> Caveats,
    IReadOnlyList<string> Prose,
    V1Container? Container,
    string? ContainerYaml,
    string? Unavailable)
{
    /// <summary>The curve's need at the peak the limit was taken from; null when it is the study's healthy edge plus the margin.</summary>
    public PeakNeed? AtPeak { get; init; }
    /// <summary>The runs of the recommended setting before it was printed (null: not verified).</summary>
    public VerificationResult? Verification { get; init; }
}
