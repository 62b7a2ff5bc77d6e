using System.Globalization;
using Headroom.Trials;

namespace Headroom.Experiments;

/// <summary>
/// Stands between one phase of a study and the real executor. Trial n of a phase is looked up in the study folder
/// first: recorded, it is replayed (the searches are deterministic given their outcomes and the number of slots, so
/// the same plan asks for the same trials in the same order); not recorded, it runs and is appended at once. With no
/// live executor (for <c>recommend --from</c>) a missing trial is an error that says how to finish the study.
/// <paramref name="saveSamples"/> writes a trial's memory series to the file (relative to the folder) its record names.
/// </summary>
/// <remarks>
/// With <paramref name="slots"/> above 1, calls may overlap (see <see cref="IConcurrentTrialExecutor"/>): each takes
/// its index when it is called, and finished trials are appended in index order, a trial that ends early waiting for
/// the ones before it. When a trial before it fails or is cancelled, a finished trial is appended anyway (its index
/// says where it belongs): a measurement is never thrown away, and a resume replays it by index.
/// </remarks>
public sealed class RecordingTrialExecutor(
    StudyFolder folder, string specHash, string phase, ITrialExecutor? live, Action<TrialResult, bool>? finished,
    Func<TrialResult, string, CancellationToken, Task>? saveSamples = null, int slots = 1) : IConcurrentTrialExecutor
{
    private readonly Lock _lock = new();
    private int _next;
    private Task _previousSettled = Task.CompletedTask;

    /// <summary>The slots the study was planned with: a replay must form the same batches as the run that recorded it.</summary>
    public int Slots => slots;

    public Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        int index;
        Task previous;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            index = _next++;
            previous = _previousSettled;
            // Settled: this trial and every one before it appended, failed or cancelled.
            _previousSettled = Task.WhenAll(previous, done.Task);
        }
        return RunAsync(index, previous, done, request, progress, cancellationToken);
    }

    private async Task<TrialResult> RunAsync(
        int index, Task previous, TaskCompletionSource done, TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        try
        {
            TrialRecord? record;
            lock (_lock)
            {
                record = folder.Find(phase, index);
            }
            if (record is not null)
            {
                var replayed = record.ToResult();
                if (record.SpecHash != specHash || replayed.Request.Limit != request.Limit || replayed.Request.Knobs.Name != request.Knobs.Name)
                {
                    throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                        $"{folder.ResultsPath} does not match this study at {phase} trial {index + 1} (recorded {record.Limit?.ToString() ?? "unlimited"} {record.KnobSet}, planned {request.Limit?.ToString() ?? "unlimited"} {request.Knobs.Name}); resume with the same spec and options, or use a new folder"));
                }
                await previous;
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
                var path = Path.Combine(folder.Path, samples);
                try
                {
                    Directory.CreateDirectory(Path.Combine(folder.Path, StudyFolder.SamplesFolder));
                    await saveSamples(result, path, cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not OutputFolderException)
                {
                    throw new OutputFolderException($"cannot write {path}: {OutputFolderException.Reason(e)}", e);
                }
            }
            // The trials before this one always settle (they append, fail or are cancelled in their own finally).
            await previous;
            lock (_lock)
            {
                folder.Append(TrialRecord.From(specHash, phase, index, result, samples));
            }
            finished?.Invoke(result, false);
            return result;
        }
        finally
        {
            // Appended, or never will be: the trials after this one need not wait for it.
            done.TrySetResult();
        }
    }
}
