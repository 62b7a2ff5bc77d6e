namespace Headroom.Trials;

/// <summary>
/// Runs independent trials on every slot an executor has, and returns their results in the order they were asked
/// for. With one slot the trials run one after another exactly as a loop would. With more, every request is submitted
/// at once (the executor starts them in order as slots free up); the first failure or a cancellation cancels the
/// others, and the batch returns only when every trial it started has ended and cleaned up.
/// </summary>
public static class TrialBatch
{
    public static async Task<IReadOnlyList<TrialResult>> RunAsync(
        ITrialExecutor executor, IReadOnlyList<TrialRequest> requests, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (TrialSlots.Of(executor) == 1 || requests.Count <= 1)
        {
            var results = new List<TrialResult>(requests.Count);
            foreach (var request in requests)
            {
                results.Add(await executor.RunAsync(request, progress, cancellationToken));
            }
            return results;
        }

        using var batch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Submitted in a plain loop: each RunAsync claims its place in the executor's queue before it first awaits.
        var running = requests.Select(request => CancelOthersOnFailureAsync(executor.RunAsync(request, progress, batch.Token), batch)).ToList();
        try
        {
            return await Task.WhenAll(running);
        }
        catch
        {
            // WhenAll throws the first exception in request order, which may be a sibling's cancellation: report the
            // failure that started it (or the caller's cancellation) instead.
            var failure = running.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)
                .FirstOrDefault(e => e is not OperationCanceledException);
            if (failure is not null && !cancellationToken.IsCancellationRequested)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
            throw;
        }
    }

    private static async Task<TrialResult> CancelOthersOnFailureAsync(Task<TrialResult> trial, CancellationTokenSource batch)
    {
        try
        {
            return await trial;
        }
        catch
        {
            await batch.CancelAsync();
            throw;
        }
    }
}
