using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Headroom.Specs;

namespace Headroom.Experiments;

/// <summary>The phases a study can run, in the order it runs them.</summary>
public static class StudyPhases
{
    public const string Baseline = "baseline";
    public const string Edge = "edge";
    public const string Matrix = "matrix";
    public const string Floor = "floor";

    /// <summary>Not a phase: the last progress report of a finished study.</summary>
    public const string Done = "done";

    public static IReadOnlyList<string> All { get; } = [Baseline, Edge, Matrix, Floor];
}

/// <summary>
/// What a study is: its spec and the phases it runs. Its hash identifies the study in every trial record, so a
/// folder is only ever resumed with the plan that wrote it.
/// </summary>
public sealed record StudyPlan(string Name, StudySpec Spec, IReadOnlyList<string> Phases)
{
    public string SpecHash
    {
        get
        {
            var json = JsonSerializer.Serialize(new { Spec, Phases }, StudyJson.Lines);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
        }
    }

    public bool Runs(string phase) => Phases.Contains(phase);

    /// <summary>A rough trial count per phase for progress and ETA (edge searches usually take 6-12 trials).</summary>
    public int EstimatedTrials(string phase) => phase switch
    {
        StudyPhases.Baseline => 1,
        StudyPhases.Edge => 6 + 2 * Spec.Confirm,
        StudyPhases.Matrix => (Spec.Limits.Count > 0 ? Spec.Limits.Count : 4) * Spec.MatrixKnobSets().Count * Spec.Repeats,
        StudyPhases.Floor => 4 + Spec.Confirm,
        _ => 0,
    };
}
