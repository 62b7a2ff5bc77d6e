using Headroom.Trials;

namespace Headroom.Soak;

/// <summary>
/// Runs one soak through any runner: one trial whose load is the fixed-rate load for the soak's duration (the
/// executor was built with it, see <see cref="SoakOptions.LoadFlags"/>), sampled as every trial is, then analysed.
/// </summary>
public static class SoakRun
{
    public static async Task<SoakResult> RunAsync(
        ITrialExecutor executor, TrialRequest request, SoakOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        options.Validate();
        var trial = await executor.RunAsync(request with { Purpose = request.Purpose.Length > 0 ? request.Purpose : "soak" }, progress, cancellationToken);
        return SoakAnalysis.Analyze(trial, options);
    }
}
