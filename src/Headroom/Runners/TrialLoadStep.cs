using Headroom.Memory;
using Headroom.Runners.Local;

namespace Headroom.Runners;

/// <summary>
/// The load step of a trial for any runner: runs the load (or holds the target without one), ends it when the target
/// thrashes, and when the target dies lets the load finish by itself for a moment (refused connections), so its
/// report shows the errors as the article's hey did.
/// </summary>
public static class TrialLoadStep
{
    public static async Task<TrialLoadRun?> RunAsync(
        ITrialLoad? load, TargetLaunch launch, Task exited, ThrashingDetector detector, MemorySampler sampler,
        TimeSpan hold, TimeSpan loadTimeout, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var thrashing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnThrashing(string _) => thrashing.TrySetResult();
        detector.Detected += OnThrashing;
        if (detector.Evidence is not null)
        {
            thrashing.TrySetResult();
        }
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cut.CancelAfter(load is null ? hold : loadTimeout);
        if (load is not null)
        {
            progress?.Report($"load: {load.Describe()}");
        }
        var work = load is null
            ? Task.Delay(Timeout.Infinite, cut.Token).ContinueWith(_ => (TrialLoadRun?)null, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)
            : RunCoreAsync(load, launch, sampler, cut.Token);
        var timedOut = false;
        try
        {
            var first = await Task.WhenAny(work, exited, thrashing.Task);
            timedOut = cut.IsCancellationRequested;
            if (first == exited)
            {
                await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken));
            }
            await cut.CancelAsync();
            return await work;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (exited.IsCompleted || detector.Evidence is not null)
            {
                return null;
            }
            // Neither the target's death nor thrashing ended the load: it timed out on its own, against a target that
            // is alive. A survival without a load would be a false verdict.
            var what = timedOut
                ? $"the load did not finish within {Trial.TrialBounds.Seconds(loadTimeout)}"
                : "the load's requests timed out before it began (e.g. fetching its token)";
            if (!detector.DeclareUnanswered(what))
            {
                throw new UserInputException($"{what}, though the target is running and not short of memory; check the load's URLs and the target");
            }
            return null;
        }
        catch (HttpRequestException e)
        {
            // The load's own set-up (e.g. fetching a token) met a target that is dying: the exit may be seen a moment
            // after the refused connection. A target that stays up and still refuses is the user's to fix.
            await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken));
            if (exited.IsCompleted)
            {
                return null;
            }
            throw new UserInputException($"the load could not start against the running target: {e.Message}", e);
        }
        finally
        {
            detector.Detected -= OnThrashing;
        }
    }

    private static async Task<TrialLoadRun?> RunCoreAsync(ITrialLoad load, TargetLaunch launch, MemorySampler sampler, CancellationToken cancellationToken) =>
        await load.RunAsync(launch, new InlineProgress<long>(n => sampler.CompletedRequests = n), cancellationToken);
}
