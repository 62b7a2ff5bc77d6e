namespace Headroom.Memory;

/// <summary>
/// A sampling loop on the thread pool that runs until the caller's token or <see cref="DisposeAsync"/> stops it;
/// disposing waits for it to end, so a trial's samplers have stopped reading when the trial cleans up.
/// </summary>
public sealed class BackgroundLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;

    /// <summary>What a poll's read returns to go on polling.</summary>
    public static readonly Task<bool> GoOn = Task.FromResult(true);

    /// <summary>Completes at a <see cref="Poll"/>'s first answer, or when it ends without one.</summary>
    public Task FirstAnswer => _answered.Task;

    /// <summary>Starts <paramref name="loop"/>, which must end quietly when its token is cancelled.</summary>
    public void Start(Func<CancellationToken, Task> loop, CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        _loop = Task.Run(async () =>
        {
            using (linked)
            {
                await loop(linked.Token);
            }
        }, CancellationToken.None);
    }

    /// <summary>
    /// Starts a poll: <paramref name="read"/> now, then at every tick of <paramref name="interval"/>, until it returns
    /// false (stop asking) or the token is cancelled.
    /// </summary>
    public void Poll(TimeSpan interval, Func<CancellationToken, Task<bool>> read, CancellationToken cancellationToken) => Start(async token =>
    {
        try
        {
            using var timer = new PeriodicTimer(interval);
            do
            {
                var goOn = await read(token);
                _answered.TrySetResult();
                if (!goOn)
                {
                    return;
                }
            }
            while (await timer.WaitForNextTickAsync(token));
        }
        catch (OperationCanceledException)
        {
            // The trial is over.
        }
        finally
        {
            _answered.TrySetResult();
        }
    }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        _stop.Dispose();
    }
}
