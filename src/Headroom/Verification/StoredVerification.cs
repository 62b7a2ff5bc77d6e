using System.Text.Json;
using Headroom.Experiments;
using Headroom.Trials;

namespace Headroom.Verification;

/// <summary>
/// A study's verification as <c>verification.json</c> keeps it: the study it verified (its spec hash and how many
/// trials were recorded) and the verification itself, without each trial's details (samples, events, output). <c>recommend --from</c> prints it and a
/// <c>study --resume</c> of a finished study reuses it; once the trials or the recommended setting change, it no
/// longer applies and the setting is verified again.
/// </summary>
public sealed record StoredVerification(string SpecHash, int Trials, VerificationResult Verification)
{
    public const string FileName = "verification.json";

    /// <summary>Writes <paramref name="verification"/> of <paramref name="study"/> into its folder, replacing an older one.</summary>
    public static void Write(StudyFolder folder, StudyResult study, VerificationResult verification) =>
        folder.WriteJson(FileName, new StoredVerification(study.Plan.SpecHash, folder.Records.Count, WithoutSamples(verification)));

    /// <summary>
    /// The stored verification when it is of this study as recorded now and of the setting it would verify first
    /// (<paramref name="recommended"/>); otherwise null, with the reason in <paramref name="stale"/> when a file was there.
    /// </summary>
    public static VerificationResult? Matching(StudyFolder folder, StudyResult study, VerifiedSetting? recommended, out string? stale)
    {
        stale = null;
        var path = Path.Combine(folder.Path, FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        StoredVerification? stored;
        try
        {
            stored = JsonSerializer.Deserialize<StoredVerification>(File.ReadAllText(path), StudyJson.Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            stale = $"{path} is not a verification ({e.Message})";
            return null;
        }
        var first = stored?.Verification.Attempts.Count > 0 ? stored.Verification.Attempts[0].Setting.Describe() : null;
        stale = stored is null ? $"{path} is empty"
            : stored.SpecHash != study.Plan.SpecHash ? $"{FileName} is of another study (spec {stored.SpecHash})"
            : stored.Trials != folder.Records.Count || study.TrialsRun > 0 ? $"{FileName} was written after {stored.Trials} recorded trials; there are {folder.Records.Count} now"
            : recommended is null || first != recommended.Describe() ? $"{FileName} verified {first ?? "nothing"}, not {recommended?.Describe() ?? "a recommendation"}"
            : null;
        return stale is null ? stored!.Verification : null;
    }

    private static VerificationResult WithoutSamples(VerificationResult verification) => verification with
    {
        Attempts = [.. verification.Attempts.Select(a => a with
        {
            Trials = [.. a.Trials.Select(t => t with { Result = Lean(t.Result) })],
            Sustained = a.Sustained is { } s ? s with { Trial = Lean(s.Trial), Charged = Lean(s.Charged), Anon = Lean(s.Anon), PostGcHeap = Lean(s.PostGcHeap) } : null,
        })],
    };

    private static Soak.SoakTrend? Lean(Soak.SoakTrend? trend) => trend is null ? null : trend with { Points = [] };

    /// <summary>Without its details (samples, events, output): the reports and summary.json read only the figures and outcome.</summary>
    private static TrialResult Lean(TrialResult result) => result with { Details = new TrialDetails() };
}
