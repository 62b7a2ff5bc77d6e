using Headroom.Trials;

namespace Headroom.Cli.Live;

/// <summary>Tells the live view when each trial starts and ends; the trial itself is the inner executor's.</summary>
internal sealed class ObservedTrialExecutor(ITrialExecutor inner, LiveStudyView view) : ITrialExecutor
{
    public async Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        view.TrialStarted(request);
        var result = await inner.RunAsync(request, progress, cancellationToken);
        view.TrialFinished(result);
        return result;
    }
}
