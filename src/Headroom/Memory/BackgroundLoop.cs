namespace Headroom.Memory;

/// <summary>
/// A sampling loop on the thread pool that runs until the caller's token or <see cref="DisposeAsync"/> stops it;
/// disposing waits for it to end, so a trial's samplers have stopped reading when the trial cleans up.
/// </summary>
public sealed class BackgroundLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

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
