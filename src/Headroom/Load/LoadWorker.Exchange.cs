using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;

namespace Headroom.Load;

internal sealed partial class LoadWorker
{
    /// <summary>What one request/response exchange on the connection came to.</summary>
    private readonly record struct ExchangeOutcome(
        LoadErrorKind? Error, int StatusCode, long BodyBytes, string? Redirect, bool GotResponseBytes);

    /// <summary>Connects if needed, sends the request, reads the whole response; adds phase times to <see cref="_timing"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ExchangeOutcome> TryExchangeAsync(RequestTemplate template)
    {
        var gotBytes = false;
        try
        {
            var mark = Stopwatch.GetTimestamp();
            var connection = _connection;
            if (connection is null)
            {
                connection = new LoadConnection(_run.Target);
                Volatile.Write(ref _connection, connection);
                if (Volatile.Read(ref _inFlightSince) == TimedOut)
                {
                    connection.Abort(); // timed out or aborted before this connection existed
                }
                await connection.ConnectAsync(_run.Target, CancellationToken.None);
                var connected = Stopwatch.GetTimestamp();
                _timing.Dial += connected - mark;
                mark = connected;
            }
            await connection.SendAsync(template.Bytes);
            var sent = Stopwatch.GetTimestamp();
            _timing.Write += sent - mark;
            _parser.Reset(template.IsHead);
            var firstByte = 0L;
            var filled = 0;
            while (true)
            {
                if (filled == _buffer.Length)
                {
                    if (_buffer.Length >= MaxHeaderBytes)
                    {
                        DropConnection();
                        return new(LoadErrorKind.Protocol, 0, 0, null, true);
                    }
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }
                var received = await connection.ReceiveAsync(_buffer.AsMemory(filled));
                if (!gotBytes && received > 0)
                {
                    gotBytes = true;
                    firstByte = Stopwatch.GetTimestamp();
                    _timing.Wait += firstByte - sent;
                }
                ParseStatus status;
                if (received == 0)
                {
                    status = _parser.EndOfStream();
                    if (status != ParseStatus.Complete)
                    {
                        DropConnection();
                        return new(LoadErrorKind.Closed, 0, 0, null, gotBytes);
                    }
                }
                else
                {
                    filled += received;
                    status = _parser.ParseBuffer(_buffer, ref filled);
                }
                if (status == ParseStatus.Complete)
                {
                    _timing.Read += Stopwatch.GetTimestamp() - firstByte;
                    if (!_parser.KeepAlive || _run.Options.DisableKeepAlive)
                    {
                        DropConnection();
                    }
                    var redirect = _run.Options.DisableRedirects ? null : _parser.Location;
                    return new(null, _parser.StatusCode, _parser.BodyBytes, redirect, true);
                }
                if (status == ParseStatus.Malformed)
                {
                    DropConnection();
                    return new(LoadErrorKind.Protocol, 0, 0, null, true);
                }
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or AuthenticationException)
        {
            DropConnection();
            return new(Classify(e), 0, 0, null, gotBytes);
        }
    }

    private static LoadErrorKind Classify(Exception e)
    {
        if (e is AuthenticationException)
        {
            return LoadErrorKind.Tls;
        }
        if (e is ObjectDisposedException)
        {
            return LoadErrorKind.Closed; // the connection was aborted under the request (a timeout re-labels it)
        }
        var socket = e as SocketException ?? e.InnerException as SocketException;
        return socket?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => LoadErrorKind.Refused,
            SocketError.ConnectionReset or SocketError.ConnectionAborted => LoadErrorKind.Reset,
            SocketError.TimedOut => LoadErrorKind.Timeout,
            SocketError.Shutdown => LoadErrorKind.Closed,
            _ => LoadErrorKind.Other,
        };
    }
}
