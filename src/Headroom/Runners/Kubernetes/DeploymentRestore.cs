using k8s.Autorest;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Puts a patched Deployment back: at the end of the trials, after Ctrl+C, and on request after a crash, within
/// <see cref="K8sRunnerOptions.RestoreTimeout"/>; when it fails, the one-line error says how to do it by hand.
/// </summary>
internal sealed class DeploymentRestore(KubeConnection connection, DeploymentTarget target, K8sRunnerOptions options)
{
    private volatile bool _patched;

    /// <summary>A trial patched the Deployment: the end restores it.</summary>
    public void Patched() => _patched = true;

    /// <summary>
    /// Puts this run's saved original back and removes Headroom's annotations; false when there was nothing of this
    /// run's to restore (another run's saved original is left alone). Safe to call any number of times.
    /// </summary>
    public async Task<bool> RestoreAsync(CancellationToken cancellationToken)
    {
        var restored = await DeploymentWriter.RestoreAsync(connection, target.Name, options.RunId, cancellationToken);
        _patched = false;
        return restored;
    }

    /// <summary>The restore at the end (when a trial patched the Deployment and the options restore it).</summary>
    public Task AtEndAsync() => _patched && options.RestoreOriginal ? WithTimeoutAsync() : Task.CompletedTask;

    /// <summary>The restore at the end or after Ctrl+C; when it fails, the one-line error says how to do it by hand.</summary>
    public async Task WithTimeoutAsync()
    {
        using var timeout = new CancellationTokenSource(options.RestoreTimeout);
        try
        {
            await RestoreAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or OperationCanceledException or UserInputException)
        {
            var why = e is OperationCanceledException ? $"no answer within {options.RestoreTimeout.TotalSeconds:0.#} s" : e.Message.Split('\n')[0];
            throw new UserInputException($"could not restore deployment/{target.Name} ({why}); it still runs with the trial's limit: restore it with {connection.RestoreCommand(target.Name)}", e);
        }
    }
}
