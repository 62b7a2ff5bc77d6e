using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Headroom.Load;

/// <summary>
/// One worker: takes tickets from the schedule and sends one request at a time over its own connection, reusing it
/// while the server keeps it alive. The loop allocates nothing per request on plain http.
/// </summary>
internal sealed partial class LoadWorker
{
    private const long Idle = 0;
    private const long TimedOut = -1;
    private const int MaxHeaderBytes = 1 << 20;

    private readonly LoadRun _run;
    private readonly LoadTally _tally;
    private byte[] _buffer = new byte[16 * 1024];
    private LoadConnection? _connection;
    private HttpResponseParser _parser;
    private RequestTiming _timing;
    private long _inFlightSince;
    private long _pacedUntil;

    public LoadWorker(LoadRun run, LoadTally tally)
    {
        _run = run;
        _tally = tally;
    }

    public async Task RunAsync()
    {
        try
        {
            while (_run.Schedule.TryTake(out var ticket, out var due))
            {
                await PaceAsync(due);
                if (_run.Aborted)
                {
                    break;
                }
                await ExecuteAsync(_run.Schedule.IsWarmup(ticket), due);
            }
        }
        finally
        {
            DropConnection();
        }
    }

    /// <summary>
    /// Fails the request in flight if it has run past <paramref name="timeoutTicks"/>. Called by the supervisor;
    /// the compare-exchange on the start time makes sure a newer request is never failed in its place.
    /// </summary>
    public void CheckTimeout(long now, long timeoutTicks)
    {
        var since = Volatile.Read(ref _inFlightSince);
        if (since > 0 && now - since > timeoutTicks &&
            Interlocked.CompareExchange(ref _inFlightSince, TimedOut, since) == since)
        {
            Volatile.Read(ref _connection)?.Abort();
        }
    }

    /// <summary>Fails whatever is in flight at once (cancellation, or the end of a duration with no timeout).</summary>
    public void Abort()
    {
        Interlocked.Exchange(ref _inFlightSince, TimedOut);
        Volatile.Read(ref _connection)?.Abort();
    }

    private async ValueTask PaceAsync(long due)
    {
        if (_run.Options.RatePerWorker > 0)
        {
            var now = Stopwatch.GetTimestamp();
            due = Math.Max(now, _pacedUntil);
            _pacedUntil = due + (long)(Stopwatch.Frequency / _run.Options.RatePerWorker);
        }
        while (due > 0 && !_run.Aborted)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait < TimeSpan.FromMilliseconds(1))
            {
                return;
            }
            // Short sleeps so a cancelled run does not wait out a long gap between slots.
            await Task.Delay(wait < TimeSpan.FromMilliseconds(100) ? wait : TimeSpan.FromMilliseconds(100));
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ExecuteAsync(bool warmup, long due)
    {
        var start = Stopwatch.GetTimestamp();
        _timing = new RequestTiming { Start = start, Due = due > 0 ? due : start };
        Volatile.Write(ref _inFlightSince, start);
        var template = _run.Template;
        var redirects = 0;
        ExchangeOutcome outcome;
        for (var attempt = 0; ; attempt++)
        {
            var reused = _connection is not null;
            outcome = await TryExchangeAsync(template);
            if (outcome.Error is null && outcome.Redirect is not null && redirects < LoadOptions.MaxRedirects)
            {
                redirects++;
                var next = _run.RedirectTo(outcome.Redirect, outcome.StatusCode);
                if (next is null)
                {
                    outcome = outcome with { Error = LoadErrorKind.Redirect };
                    break;
                }
                template = next;
                continue;
            }
            // A kept-alive connection the server has since closed fails before any byte of the response: retry it
            // once on a new connection, as Go's transport does, instead of counting an error.
            if (outcome.Error is LoadErrorKind.Closed or LoadErrorKind.Reset && reused && attempt == 0 &&
                !outcome.GotResponseBytes && Volatile.Read(ref _inFlightSince) != TimedOut && !_run.Aborted)
            {
                continue;
            }
            break;
        }
        _timing.End = Stopwatch.GetTimestamp();
        var error = outcome.Error;
        if (Interlocked.Exchange(ref _inFlightSince, Idle) == TimedOut && error is not null)
        {
            error = LoadErrorKind.Timeout;
        }
        if (_run.Aborted && error is not null)
        {
            return; // cut off by cancellation or the end of the run: not the target's fault
        }
        if (warmup)
        {
            _tally.RecordWarmup();
        }
        else if (error is { } kind)
        {
            _tally.RecordError(kind, _timing.End);
        }
        else
        {
            _tally.RecordResponse(_timing, outcome.StatusCode, outcome.BodyBytes);
        }
    }

    private void DropConnection()
    {
        var connection = Interlocked.Exchange(ref _connection, null);
        connection?.Dispose();
    }
}
