using System.Diagnostics;

namespace Headroom.Load.EventLoop;

/// <summary>
/// One event-loop thread: its connections, their epoll set, and the queue of connections ready for their next
/// request. A connection starts its next request as soon as one ends, but never from inside such a start: a request
/// that ends at once (a dead target refuses at once) only queues its connection, so a run of a million refusals is
/// a loop, not a deep stack.
/// </summary>
internal sealed class LoadEventLoop
{
    private const int MaxEvents = 256;

    private readonly LoadRun _run;
    private readonly LoadConnectionSlot[] _slots;
    private readonly Queue<LoadConnectionSlot> _ready = new();
    private readonly byte[] _events = new byte[MaxEvents * LinuxSockets.EventSize];
    private readonly long _timeoutTicks;
    private readonly long _sweepTicks;
    private int _running;
    private int _waiting;
    private bool _starting;
    private long _lastSweep;

    public LoadEventLoop(LoadRun run, LoadTally tally, int connections)
    {
        _run = run;
        _timeoutTicks = (long)(run.Options.Timeout.TotalSeconds * Stopwatch.Frequency);
        var sweep = run.Options.Timeout > TimeSpan.Zero
            ? Math.Clamp(run.Options.Timeout.TotalMilliseconds / 20, 1, 50)
            : 50;
        _sweepTicks = (long)(sweep * Stopwatch.Frequency / 1000);
        Epoll = LinuxSockets.EpollCreate(LinuxSockets.EPOLL_CLOEXEC);
        if (Epoll < 0)
        {
            throw new IOException($"epoll_create1 failed (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        }
        _slots = new LoadConnectionSlot[connections];
        for (var i = 0; i < connections; i++)
        {
            _slots[i] = new LoadConnectionSlot(this, run, tally, i);
        }
    }

    /// <summary>The epoll descriptor the connections register with.</summary>
    public int Epoll { get; }

    public void Run()
    {
        try
        {
            _running = _slots.Length;
            foreach (var slot in _slots)
            {
                _ready.Enqueue(slot);
            }
            _lastSweep = Stopwatch.GetTimestamp();
            while (true)
            {
                while (_ready.TryDequeue(out var slot))
                {
                    Enqueue(slot);
                }
                if (_running == 0 || _run.Aborted)
                {
                    return;
                }
                var count = LinuxSockets.Wait(Epoll, _events, WaitMilliseconds());
                if (count < 0 && count != -LinuxSockets.EINTR)
                {
                    throw new IOException($"epoll_wait failed (errno {-count})");
                }
                for (var i = 0; i < count; i++)
                {
                    var mask = LinuxSockets.EventMask(_events, i);
                    _slots[(int)LinuxSockets.EventData(_events, i)].OnReady(mask);
                }
                var now = Stopwatch.GetTimestamp();
                if (now - _lastSweep >= _sweepTicks || _waiting > 0)
                {
                    _lastSweep = now;
                    Sweep(now);
                }
            }
        }
        finally
        {
            foreach (var slot in _slots)
            {
                slot.Close();
            }
            _ = LinuxSockets.Close(Epoll);
        }
    }

    /// <summary>
    /// A connection whose request ended takes its next ticket at once (the request leaves without waiting for the
    /// rest of the batch), unless that happens within another such start: then on the loop's next turn.
    /// </summary>
    public void Enqueue(LoadConnectionSlot slot)
    {
        if (_starting)
        {
            _ready.Enqueue(slot);
            return;
        }
        _starting = true;
        try
        {
            slot.BeginNext(Stopwatch.GetTimestamp());
        }
        finally
        {
            _starting = false;
        }
    }

    /// <summary>A connection has no more tickets.</summary>
    public void Retire() => _running--;

    /// <summary>A connection is pacing (-q or --rate) until its next send.</summary>
    public void StartWaiting() => _waiting++;

    public void StopWaiting() => _waiting--;

    /// <summary>Times out requests past -t, and starts paced requests that are due.</summary>
    private void Sweep(long now)
    {
        foreach (var slot in _slots)
        {
            slot.OnTick(now, _timeoutTicks);
        }
    }

    /// <summary>How long epoll may sleep: until the next paced send, the next timeout sweep, and at most 50 ms.</summary>
    private int WaitMilliseconds()
    {
        if (_ready.Count > 0)
        {
            return 0;
        }
        var now = Stopwatch.GetTimestamp();
        var until = _lastSweep + _sweepTicks;
        if (_waiting > 0)
        {
            foreach (var slot in _slots)
            {
                if (slot.WakeAt > 0 && slot.WakeAt < until)
                {
                    until = slot.WakeAt;
                }
            }
        }
        var ticks = until - now;
        return ticks <= 0 ? 0 : (int)Math.Ceiling(ticks * 1000.0 / Stopwatch.Frequency);
    }
}
