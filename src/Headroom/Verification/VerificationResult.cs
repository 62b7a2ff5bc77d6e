using System.Globalization;
using Headroom.Soak;
using Headroom.Trials;

namespace Headroom.Verification;

/// <summary>One verified cold start: the trial, and whether it counted as healthy and why.</summary>
public sealed record VerifiedTrial(TrialResult Result, bool Healthy, string Judgement);

/// <summary>
/// One setting run: its cold starts and its sustained run (null when none was asked for or a cold start failed
/// first), and the failure in words (null: verified).
/// </summary>
public sealed record VerificationAttempt(VerifiedSetting Setting, IReadOnlyList<VerifiedTrial> Trials, SoakResult? Sustained, double? SustainedRate, string? Failure)
{
    public bool Passed => Failure is null;

    public int HealthyTrials => Trials.Count(t => t.Healthy);

    /// <summary>
    /// <c>3 of 3 survived and healthy at 39Mi with DOTNET_GCHeapHardLimit=d0b800; 30-s run: no OOM, memory +0.1 MiB</c>
    /// (the sustained part only when it ran).
    /// </summary>
    public string Describe()
    {
        var text = $"{HealthyTrials} of {Trials.Count} survived and healthy at {Setting.Describe()}";
        var disclosed = Trials.Where(t => t.Healthy && t.Judgement.Length > 0).Select(t => t.Judgement).Distinct().ToList();
        if (disclosed.Count > 0)
        {
            text += $" ({string.Join("; ", disclosed)})";
        }
        if (Sustained is { } s)
        {
            text += "; " + DescribeSustained(s, SustainedRate);
        }
        return text;
    }

    private static string DescribeSustained(SoakResult s, double? rate)
    {
        var seconds = s.Options.Duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
        if (!s.Trial.Survived)
        {
            return $"{seconds}-s run: {s.Trial.Outcome.ToKebab()} ({s.Trial.Evidence})";
        }
        var served = s.Trial.Load is { } load && rate is { } r
            ? string.Create(CultureInfo.InvariantCulture, $", {load.RequestsPerSecond:#,0} of {r:#,0} req/s")
            : "";
        var memory = s.Verdict.Kind == SoakVerdictKind.Growing
            ? $", memory {s.Verdict.Text}; soak longer to tell a warm-up from a leak (headroom soak --from the study's folder{(rate is { } r2 ? string.Create(CultureInfo.InvariantCulture, $" --rate {r2:0}") : "")} --duration 1h)"
            : s.Deciding is { } trend
                ? $", memory {SoakTrend.WithSign(trend.Fit.Slope * (s.LoadSeconds - s.WarmupSeconds) / 1048576.0)} MiB"
                : ", memory trend unknown (too few samples)";
        return $"{seconds}-s run: no OOM{served}{memory}";
    }
}

/// <summary>
/// The verification of a recommended setting: every setting run in order (the recommended one first, then the
/// steps up), the runtime limit dropped and why (null: kept), and whether a setting was verified.
/// </summary>
public sealed record VerificationResult(IReadOnlyList<VerificationAttempt> Attempts, string? DroppedRuntimeLimit)
{
    /// <summary>The setting that passed (the last attempt), or null when none did.</summary>
    public VerificationAttempt? Verified => Attempts.Count > 0 && Attempts[^1].Passed ? Attempts[^1] : null;

    /// <summary>The lines the reports print: each failed attempt, then the verified one or that none was.</summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = new List<string>();
        foreach (var attempt in Attempts.Where(a => !a.Passed))
        {
            // A sustained run that died is told whole by Describe (outcome and evidence): not twice.
            lines.Add(attempt.Sustained is { Trial.Survived: false }
                ? $"not verified: {attempt.Describe()}"
                : $"not verified: {attempt.Describe()}: {attempt.Failure}");
        }
        if (DroppedRuntimeLimit is { } dropped)
        {
            lines.Add($"runtime limit dropped: {dropped}");
        }
        lines.Add(Verified is { } v
            ? $"verified: {v.Describe()}" + (Attempts.Count > 1 ? $" (after {Attempts.Count - 1} failed setting{(Attempts.Count == 2 ? "" : "s")})" : "")
            : $"no setting verified in {Attempts.Count} attempt{(Attempts.Count == 1 ? "" : "s")}: do not deploy this recommendation as it is");
        return lines;
    }
}
