using System.Diagnostics;
using System.Net.Sockets;

namespace Headroom.Load.EventLoop;

/// <summary>
/// One of the -c connections of a load, driven by its event loop: take a ticket, (pace,) connect if needed, send the
/// serialised request, read and parse the response, record it, and queue itself for the next ticket. The same rules
/// as the async worker: one retry on a kept-alive connection the server closed, same-origin redirects, -t timeouts
/// measured from the first send, nothing counted once the run was aborted.
/// </summary>
internal sealed class LoadConnectionSlot
{
    private const int MaxHeaderBytes = 1 << 20;

    private readonly LoadEventLoop _loop;
    private readonly LoadRun _run;
    private readonly LoadTally _tally;
    private readonly ulong _id;
    private byte[] _buffer = new byte[16 * 1024];
    private Socket? _socket;
    private int _fd = -1;
    private uint _interest;
    private State _state = State.Idle;
    private HttpResponseParser _parser;
    private RequestTiming _timing;
    private RequestTemplate _template;
    private bool _warmup;
    private long _due;
    private long _pacedUntil;
    private int _sent;
    private int _filled;
    private int _redirects;
    private int _attempt;
    private bool _reused;
    private bool _gotBytes;
    private long _mark;
    private long _sentAt;
    private long _firstByte;

    public LoadConnectionSlot(LoadEventLoop loop, LoadRun run, LoadTally tally, int id)
    {
        _loop = loop;
        _run = run;
        _tally = tally;
        _id = (ulong)id;
        _template = run.Template;
    }

    private enum State
    {
        Idle,
        Waiting,
        Connecting,
        Sending,
        Receiving,
        Retired,
    }

    /// <summary>When a paced request is due to be sent; 0 when not waiting.</summary>
    public long WakeAt { get; private set; }

    /// <summary>Takes the next ticket and sends it, or waits for its slot (-q, --rate), or retires.</summary>
    public void BeginNext(long now)
    {
        if (_run.Aborted || !_run.Schedule.TryTake(out var ticket, out var due))
        {
            Retire();
            return;
        }
        _warmup = _run.Schedule.IsWarmup(ticket);
        _due = due;
        var sendAt = due;
        if (_run.Options.RatePerWorker > 0)
        {
            sendAt = Math.Max(now, _pacedUntil);
            _pacedUntil = sendAt + (long)(Stopwatch.Frequency / _run.Options.RatePerWorker);
        }
        if (sendAt - now >= Stopwatch.Frequency / 1000)
        {
            _state = State.Waiting;
            WakeAt = sendAt;
            _loop.StartWaiting();
            return;
        }
        Start(now);
    }

    /// <summary>Called by the loop's sweep: starts a due paced request, or times out one past -t.</summary>
    public void OnTick(long now, long timeoutTicks)
    {
        if (_state == State.Waiting)
        {
            if (now >= WakeAt)
            {
                WakeAt = 0;
                _loop.StopWaiting();
                Start(now);
            }
        }
        else if (timeoutTicks > 0 && _state is State.Connecting or State.Sending or State.Receiving &&
                 now - _timing.Start > timeoutTicks)
        {
            DropConnection();
            Finish(LoadErrorKind.Timeout, 0, 0);
        }
    }

    /// <summary>The connection's descriptor is ready for what its state waits on (or has an error or hung up).</summary>
    public void OnReady(uint events)
    {
        switch (_state)
        {
            case State.Connecting:
                OnConnected();
                break;
            case State.Sending:
                Send();
                break;
            case State.Receiving:
                Receive();
                break;
            default:
                // An idle kept-alive connection became readable: the server closed it (or sent what nobody asked
                // for). Drop it; the next request connects afresh, as Go's transport does.
                DropConnection();
                break;
        }
    }

    public void Close() => DropConnection();

    private void Start(long now)
    {
        if (_run.Aborted)
        {
            Retire();
            return;
        }
        _timing = new RequestTiming { Start = now, Due = _due > 0 ? _due : now };
        _template = _run.Template;
        _redirects = 0;
        _attempt = 0;
        Exchange(now);
    }

    /// <summary>One request/response exchange of the current request: connects if needed and sends.</summary>
    private void Exchange(long now)
    {
        _reused = _socket is not null;
        _gotBytes = false;
        _mark = now;
        if (_socket is null)
        {
            Connect();
            return;
        }
        BeginSend();
    }

    private void Connect()
    {
        try
        {
            // Inside the try: out of descriptors (EMFILE) is a counted error, as in the async workers, not a crash.
            var socket = new Socket(_run.Target.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            {
                NoDelay = true,
                Blocking = false,
            };
            _socket = socket;
            _fd = (int)socket.SafeHandle.DangerousGetHandle();
            _interest = 0;
            socket.Connect(_run.Target.EndPoint);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            _state = State.Connecting;
            Watch(LinuxSockets.EPOLLOUT);
            return;
        }
        catch (SocketException e)
        {
            Fail(Classify(e.SocketErrorCode));
            return;
        }
        OnConnected();
    }

    private void OnConnected()
    {
        var error = LinuxSockets.PendingError(_fd);
        if (error != 0)
        {
            Fail(Classify(error));
            return;
        }
        var connected = Stopwatch.GetTimestamp();
        _timing.Dial += connected - _mark;
        _mark = connected;
        BeginSend();
    }

    private void BeginSend()
    {
        _sent = 0;
        Send();
    }

    private void Send()
    {
        var bytes = _template.Bytes;
        while (_sent < bytes.Length)
        {
            var n = LinuxSockets.Transmit(_fd, bytes.AsSpan(_sent));
            if (n == -LinuxSockets.EAGAIN)
            {
                _state = State.Sending;
                Watch(LinuxSockets.EPOLLOUT);
                return;
            }
            if (n < 0)
            {
                Fail(Classify(-n));
                return;
            }
            _sent += n;
        }
        _sentAt = Stopwatch.GetTimestamp();
        _timing.Write += _sentAt - _mark;
        _parser.Reset(_template.IsHead);
        _filled = 0;
        _state = State.Receiving;
        Watch(LinuxSockets.EPOLLIN);
    }

    private void Receive()
    {
        if (_filled == _buffer.Length)
        {
            if (_buffer.Length >= MaxHeaderBytes)
            {
                DropConnection();
                Finish(LoadErrorKind.Protocol, 0, 0);
                return;
            }
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        var received = LinuxSockets.Receive(_fd, _buffer.AsSpan(_filled));
        if (received == -LinuxSockets.EAGAIN || received == -LinuxSockets.EINTR)
        {
            return;
        }
        if (received < 0)
        {
            Fail(Classify(-received));
            return;
        }
        ParseStatus status;
        if (received == 0)
        {
            status = _parser.EndOfStream();
            if (status != ParseStatus.Complete)
            {
                Fail(LoadErrorKind.Closed);
                return;
            }
        }
        else
        {
            if (!_gotBytes)
            {
                _gotBytes = true;
                _firstByte = Stopwatch.GetTimestamp();
                _timing.Wait += _firstByte - _sentAt;
            }
            _filled += received;
            status = _parser.ParseBuffer(_buffer, ref _filled);
        }
        if (status == ParseStatus.Complete)
        {
            Complete();
        }
        else if (status == ParseStatus.Malformed)
        {
            DropConnection();
            Finish(LoadErrorKind.Protocol, 0, 0);
        }
    }

    private void Complete()
    {
        var now = Stopwatch.GetTimestamp();
        _timing.Read += now - _firstByte;
        if (!_parser.KeepAlive || _run.Options.DisableKeepAlive)
        {
            DropConnection();
        }
        var redirect = _run.Options.DisableRedirects ? null : _parser.Location;
        if (redirect is not null && _redirects < LoadOptions.MaxRedirects)
        {
            _redirects++;
            var next = _run.RedirectTo(redirect, _parser.StatusCode);
            if (next is null)
            {
                Finish(LoadErrorKind.Redirect, 0, 0);
                return;
            }
            _template = next;
            _attempt = 0;
            Exchange(now);
            return;
        }
        Finish(null, _parser.StatusCode, _parser.BodyBytes);
    }

    /// <summary>The exchange failed: retry once on a fresh connection if a kept-alive one was closed under it.</summary>
    private void Fail(LoadErrorKind kind)
    {
        DropConnection();
        if (kind is LoadErrorKind.Closed or LoadErrorKind.Reset && _reused && _attempt == 0 && !_gotBytes && !_run.Aborted)
        {
            _attempt++;
            Exchange(Stopwatch.GetTimestamp());
            return;
        }
        Finish(kind, 0, 0);
    }

    private void Finish(LoadErrorKind? error, int status, long bodyBytes)
    {
        _timing.End = Stopwatch.GetTimestamp();
        _state = State.Idle;
        if (!(_run.Aborted && error is not null))
        {
            if (_warmup)
            {
                _tally.RecordWarmup();
            }
            else if (error is { } kind)
            {
                _tally.RecordError(kind, _timing.End);
            }
            else
            {
                _tally.RecordResponse(_timing, status, bodyBytes);
            }
        }
        _loop.Enqueue(this);
    }

    private void Retire()
    {
        if (_state == State.Retired)
        {
            return;
        }
        _state = State.Retired;
        DropConnection();
        _loop.Retire();
    }

    /// <summary>Sets what epoll reports for this connection (level-triggered), registering it on first use.</summary>
    private void Watch(uint events)
    {
        if (_interest == events)
        {
            return;
        }
        var op = _interest == 0 ? LinuxSockets.EPOLL_CTL_ADD : LinuxSockets.EPOLL_CTL_MOD;
        var result = LinuxSockets.Control(_loop.Epoll, op, _fd, events, _id);
        if (result < 0)
        {
            throw new IOException($"epoll_ctl failed (errno {-result})");
        }
        _interest = events;
    }

    private void DropConnection()
    {
        // Closing the descriptor also removes it from the epoll set.
        _socket?.Dispose();
        _socket = null;
        _fd = -1;
        _interest = 0;
    }

    private static LoadErrorKind Classify(int errno) => errno switch
    {
        LinuxSockets.ECONNREFUSED => LoadErrorKind.Refused,
        LinuxSockets.ECONNRESET or LinuxSockets.EPIPE => LoadErrorKind.Reset,
        LinuxSockets.ETIMEDOUT => LoadErrorKind.Timeout,
        _ => LoadErrorKind.Other,
    };

    private static LoadErrorKind Classify(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => LoadErrorKind.Refused,
        SocketError.ConnectionReset or SocketError.ConnectionAborted => LoadErrorKind.Reset,
        SocketError.TimedOut => LoadErrorKind.Timeout,
        _ => LoadErrorKind.Other,
    };
}
