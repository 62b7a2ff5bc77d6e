namespace Headroom.Trials;

/// <summary>
/// Trial slots over several executors that each run one trial at a time (one per clone of a Deployment, say): a call
/// takes the first free slot, or waits for one in the order of the calls. Disposing the pool disposes the slots.
/// </summary>
public sealed class TrialPool : IConcurrentTrialExecutor, IAsyncDisposable
{
    private readonly IReadOnlyList<ITrialExecutor> _slots;
    private readonly Lock _lock = new();
    private readonly Queue<int> _free;
    private readonly LinkedList<TaskCompletionSource<int>> _waiting = [];
    private readonly int[] _trialsPerSlot;

    public TrialPool(IReadOnlyList<ITrialExecutor> slots)
    {
        if (slots.Count == 0)
        {
            throw new ArgumentException("a pool needs at least one slot", nameof(slots));
        }
        _slots = slots;
        _free = new Queue<int>(Enumerable.Range(0, slots.Count));
        _trialsPerSlot = new int[slots.Count];
    }

    public int Slots => _slots.Count;

    /// <summary>How many trials each slot has started, by slot.</summary>
    public IReadOnlyList<int> TrialsPerSlot
    {
        get
        {
            lock (_lock)
            {
                return [.. _trialsPerSlot];
            }
        }
    }

    public async Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var slot = await TakeAsync(cancellationToken);
        try
        {
            return await _slots[slot].RunAsync(request, progress, cancellationToken);
        }
        finally
        {
            Release(slot);
        }
    }

    private Task<int> TakeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource<int> waiter;
        LinkedListNode<TaskCompletionSource<int>> node;
        lock (_lock)
        {
            if (_waiting.Count == 0 && _free.TryDequeue(out var slot))
            {
                _trialsPerSlot[slot]++;
                return Task.FromResult(slot);
            }
            waiter = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiting.AddLast(waiter);
        }
        return WaitAsync(waiter, node, cancellationToken);
    }

    private async Task<int> WaitAsync(TaskCompletionSource<int> waiter, LinkedListNode<TaskCompletionSource<int>> node, CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                if (node.List is not null)
                {
                    _waiting.Remove(node);
                    waiter.TrySetCanceled(cancellationToken);
                }
            }
        });
        return await waiter.Task;
    }

    private void Release(int slot)
    {
        lock (_lock)
        {
            if (_waiting.First is { } next)
            {
                _waiting.RemoveFirst();
                _trialsPerSlot[slot]++;
                next.Value.SetResult(slot);
            }
            else
            {
                _free.Enqueue(slot);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Exception> errors = [];
        foreach (var slot in _slots.OfType<IAsyncDisposable>())
        {
            try
            {
                await slot.DisposeAsync();
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }
        if (errors.Count > 0)
        {
            throw errors.Count == 1 ? errors[0] : new AggregateException(errors);
        }
    }
}
