using System.Text.Json;
using Headroom.Experiments;
using Headroom.Memory;
using Headroom.Trials;

namespace Headroom.Reports.Html;

/// <summary>
/// The memory series of a study's trials, by phase and index within the phase (the keys of <c>results.jsonl</c>):
/// read from the folder's sample files, or taken from a result that still holds them (a trial run just now).
/// </summary>
public sealed class StudySamples
{
    private readonly Dictionary<(string Phase, int Index), IReadOnlyList<MemorySample>> _series;

    private StudySamples(Dictionary<(string, int), IReadOnlyList<MemorySample>> series) => _series = series;

    public static StudySamples None { get; } = new([]);

    /// <summary>Reads every recorded trial's sample file that exists; a missing or unreadable one is left out (its
    /// trial is charted as "no samples") rather than failing the report.</summary>
    public static async Task<StudySamples> LoadAsync(StudyFolder folder, CancellationToken cancellationToken)
    {
        var series = new Dictionary<(string, int), IReadOnlyList<MemorySample>>();
        foreach (var record in folder.Records)
        {
            if (record.SamplesFile is not { } file)
            {
                continue;
            }
            var path = Path.Combine(folder.Path, file);
            if (!File.Exists(path))
            {
                continue;
            }
            try
            {
                series[(record.Phase, record.Index)] = await SampleSeries.ReadAsync(path, cancellationToken);
            }
            catch (JsonException)
            {
            }
        }
        return new StudySamples(series);
    }

    /// <summary>The samples of trial <paramref name="index"/> of <paramref name="phase"/>: those the result holds, else the recorded ones.</summary>
    public IReadOnlyList<MemorySample> For(string phase, int index, TrialResult result) =>
        result.Details.Samples.Count > 0 ? result.Details.Samples
        : _series.TryGetValue((phase, index), out var samples) ? samples
        : [];
}
