using System.Globalization;
using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// Stands between one phase of a study and the real executor. Trial n of a phase is looked up in the study folder
/// first: recorded, it is replayed (the searches are deterministic given their outcomes, so the same plan asks for
/// the same trials in the same order); not recorded, it runs and is appended at once. With no live executor (for
/// <c>recommend --from</c>) a missing trial is an error that says how to finish the study. <paramref name="saveSamples"/>
/// writes a trial's memory series to the file (relative to the folder) its record names.
/// </summary>
public sealed class RecordingTrialExecutor(
    StudyFolder folder, string specHash, string phase, ITrialExecutor? live, Action<TrialResult, bool>? finished,
    Func<TrialResult, string, CancellationToken, Task>? saveSamples = null) : ITrialExecutor
{
    private int _next;

    public async Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var index = _next;
        if (folder.Find(phase, index) is { } record)
        {
            var replayed = record.ToResult();
            if (record.SpecHash != specHash || replayed.Request.Limit != request.Limit || replayed.Request.Knobs.Name != request.Knobs.Name)
            {
                throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                    $"{folder.ResultsPath} does not match this study at {phase} trial {index + 1} (recorded {record.Limit?.ToString() ?? "unlimited"} {record.KnobSet}, planned {request.Limit?.ToString() ?? "unlimited"} {request.Knobs.Name}); resume with the same spec and options, or use a new folder"));
            }
            _next++;
            finished?.Invoke(replayed with { Request = request }, true);
            return replayed with { Request = request };
        }
        if (live is null)
        {
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                $"the study in {folder.Path} is incomplete: {phase} trial {index + 1} was never run; finish it with 'headroom study --resume {folder.Path}'"));
        }
        var result = await live.RunAsync(request, progress, cancellationToken);
        string? samples = null;
        if (saveSamples is not null)
        {
            samples = StudyFolder.SamplesPath(phase, index);
            Directory.CreateDirectory(Path.Combine(folder.Path, StudyFolder.SamplesFolder));
            await saveSamples(result, Path.Combine(folder.Path, samples), cancellationToken);
        }
        folder.Append(TrialRecord.From(specHash, phase, index, result, samples));
        _next++;
        finished?.Invoke(result, false);
        return result;
    }
}
