using System.Globalization;
using System.Text.RegularExpressions;
using Headroom.Limits;
using Headroom.Verification;

namespace Headroom.Experiments;

/// <summary>
/// Writes the <see cref="Recommendation"/> for a study: limit = healthy edge x (1 + margin) rounded up to whole MiB,
/// request = limit (Guaranteed QoS), the runtime limit from <see cref="RuntimeLimits"/>, the knob's other settings
/// (e.g. <c>GOGC=off</c>) only when the matrix shows they paid off, and the <see cref="Caveats"/>.
/// </summary>
public static partial class Recommender
{
    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotDnsLabel();

    public static Recommendation Recommend(StudyResult study, RecommendOptions options) => Recommend(study, options, null);

    /// <summary>
    /// The recommendation, at the setting <paramref name="verification"/> verified when it verified one (a limit
    /// stepped up, a runtime limit dropped), with the verification's lines in its prose.
    /// </summary>
    public static Recommendation Recommend(StudyResult study, RecommendOptions options, VerificationResult? verification)
    {
        options.Validate();
        var edge = study.Edge;
        if (edge?.HealthyEdge is not { } healthy)
        {
            var why = edge?.NoEdgeMessage ?? edge?.NoHealthyEdgeMessage ?? "the study has no edge search";
            return new Recommendation(null, null, null, null, Caveats.From(study, null), [$"No recommendation: {why}."], null, null, why);
        }
        var recommended = RecommendedLimit(healthy, options);
        var verified = verification?.Verified?.Setting;
        var limit = verified?.Limit ?? recommended;
        var (runtimeLimit, knob, extraEnv, container) = SettingParts(study, limit, verified is null || verified.RuntimeLimit is not null);
        var caveats = Caveats.From(study, knob);
        var prose = Prose(study, options, limit, healthy, runtimeLimit, knob, extraEnv);
        if (limit != recommended)
        {
            var basis = options.AtPeak is null ? $"the healthy edge {healthy}" : "the need at the peak";
            prose[0] = $"Memory limit {limit}: {basis} plus a {options.Margin.ToString("P0", CultureInfo.InvariantCulture)} margin gave {recommended}, which failed its verification; {limit} passed it.";
        }
        if (verification is not null)
        {
            prose.AddRange(verification.Lines().Select(l => char.ToUpperInvariant(l[0]) + l[1..] + "."));
        }
        return new Recommendation(limit, limit, runtimeLimit, knob, caveats, prose, container, ContainerSnippet.ToYaml(container), null)
        {
            Verification = verification,
            AtPeak = options.AtPeak,
        };
    }

    /// <summary>The limit before verification: healthy edge x (1 + margin), rounded up to whole MiB.</summary>
    public static MemoryQuantity RecommendedLimit(MemoryQuantity healthy, RecommendOptions options) =>
        new(CeilToMebibyte(Math.Max(1, options.AtPeak?.NeedBytes ?? healthy.Bytes) * (1 + options.Margin)));

    /// <summary>What the snippet would set at <paramref name="limit"/> (with or without the runtime limit), as a container gets it.</summary>
    public static VerifiedSetting SettingAt(StudyResult study, MemoryQuantity limit, bool withRuntimeLimit)
    {
        var (runtimeLimit, _, _, container) = SettingParts(study, limit, withRuntimeLimit);
        return VerifiedSetting.FromContainer(limit, container, runtimeLimit);
    }

    private static (RuntimeLimit?, KnobVerdict?, Dictionary<string, string>, k8s.Models.V1Container) SettingParts(StudyResult study, MemoryQuantity limit, bool withRuntimeLimit)
    {
        var overhead = RuntimeLimits.NonHeapOverhead(study.Baseline.Memory);
        var runtimeLimit = withRuntimeLimit
            ? RuntimeLimits.For(study.Plan.Spec.Runtime, limit, overhead, study.Baseline.Memory.RuntimeHeapSysBytes ?? study.Baseline.Memory.RuntimeHeapAllocBytes)
            : null;
        var knob = KnobAt(study.Matrix, limit);
        var knobSet = study.Matrix?.KnobSets.FirstOrDefault(k => k.Name == knob?.KnobSet);
        var extraEnv = knob is { PaidOff: true } && knobSet is not null
            ? knobSet.Environment
                .Where(kv => kv.Key != runtimeLimit?.Variable && !kv.Value.Contains("{limit", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var container = ContainerSnippet.Build(ContainerName(study.Plan.Spec.Name), study.Plan.Spec.Target.Image, limit, runtimeLimit, extraEnv);
        return (runtimeLimit, knob, extraEnv, container);
    }

    private static List<string> Prose(
        StudyResult study, RecommendOptions options, MemoryQuantity limit, MemoryQuantity healthy,
        RuntimeLimit? runtimeLimit, KnobVerdict? knob, Dictionary<string, string> extraEnv)
    {
        var edge = study.Edge!;
        var spec = study.Plan.Spec;
        var baseline = study.Baseline.Load!;
        var atEdge = F($"the healthy edge {healthy} (the least limit keeping {spec.Healthy:P0} of the unlimited {baseline.RequestsPerSecond:#,0} req/s with p99 within 2x of {baseline.P99Latency.TotalMilliseconds:#,0.0} ms)");
        var prose = new List<string>
        {
            options.AtPeak is { } peak
                ? AtPeakLine(peak, limit, options.Margin) + F($" At the study's own load {atEdge} plus the margin would be {new MemoryQuantity(CeilToMebibyte(healthy.Bytes * (1 + options.Margin)))}.")
                : F($"Memory limit {limit}: {atEdge} plus a {options.Margin:P0} margin, rounded up to whole MiB."),
            F($"Memory request {limit}, equal to the limit: with equal CPU request and limit the pod gets Guaranteed QoS, the node keeps that memory for it, and an OOM kill means the service needed more, not that the node ran short."),
            F($"Survival edge {edge.SurvivalEdge} (largest failing limit {edge.LargestFailing?.ToString() ?? "none"}); predicted {RuntimeLimits.Mi(edge.Prediction.Edge?.Bytes ?? 0)}, off by {RuntimeLimits.Mi(Math.Abs(edge.PredictionErrorBytes ?? 0))}; the unlimited run peaked at {RuntimeLimits.Mi(study.Baseline.Memory.PeakChargedBytes ?? 0)} charged."),
        };
        if (runtimeLimit is not null)
        {
            prose.Add(runtimeLimit.FromResourceField
                ? $"Runtime limit: {runtimeLimit.Variable} = {runtimeLimit.Derivation}."
                : $"Runtime limit: {runtimeLimit.Variable}={runtimeLimit.Value} ({runtimeLimit.Bytes}): {runtimeLimit.Derivation}.");
        }
        if (knob is not null)
        {
            prose.Add(F($"Knob {knob.KnobSet} at {knob.AtLimit}: {knob.Verdict}") +
                (extraEnv.Count > 0 ? $"; so the snippet also sets {string.Join(", ", extraEnv.Select(kv => $"{kv.Key}={kv.Value}"))}." : "; so the snippet sets only the runtime limit."));
        }
        return prose;
    }

    private static string AtPeakLine(PeakNeed peak, MemoryQuantity limit, double margin) =>
        F($"Memory limit {limit}: the need at the peak of {peak.Peak}, {RuntimeLimits.Mi((long)peak.NeedBytes)}")
        + (peak is { LowBytes: { } low, HighBytes: { } high } ? $" (95 % prediction {RuntimeLimits.Mi((long)low)}–{RuntimeLimits.Mi((long)high)})" : "")
        + F($", from the curve {peak.Line}, plus a {margin:P0} margin, rounded up to whole MiB")
        + (peak.Extrapolation is { } range
            ? $"; extrapolated beyond the measured {range}: the line is an assumption there, measure at the peak to be sure."
            : ".");

    /// <summary>The matrix's (first) knob set against none, at the matrix limit nearest the recommended limit.</summary>
    private static KnobVerdict? KnobAt(MatrixResult? matrix, MemoryQuantity limit)
    {
        var ratio = matrix?.Ratios
            .OrderBy(r => Math.Abs(r.Limit.Limit.Bytes - limit.Bytes))
            .ThenBy(r => r.Limit.Limit)
            .FirstOrDefault();
        if (ratio is null)
        {
            return null;
        }
        var verdict = ratio.Interval switch
        {
            null => PairedBootstrap.TooFewRounds(ratio.PairedRounds),
            { WithinNoise: true } i => F($"within noise, x{i.Estimate:0.00} req/s ({i.Confidence:P0} CI {i.Low:0.00}-{i.High:0.00})"),
            { Low: > 1 } i => F($"paid off, x{i.Estimate:0.00} req/s ({i.Confidence:P0} CI {i.Low:0.00}-{i.High:0.00})"),
            var i => F($"cost throughput, x{i.Estimate:0.00} req/s ({i.Confidence:P0} CI {i.Low:0.00}-{i.High:0.00})"),
        };
        return new KnobVerdict(ratio.Knobs.Name, ratio.Limit.Limit, ratio.Interval, verdict);
    }

    private static long CeilToMebibyte(double bytes) =>
        (long)Math.Ceiling(bytes / MemoryQuantity.Mebibyte) * MemoryQuantity.Mebibyte;

    private static string ContainerName(string name)
    {
        var label = NotDnsLabel().Replace(name.ToLowerInvariant(), "-").Trim('-');
        return label.Length == 0 ? "app" : label[..Math.Min(63, label.Length)];
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
