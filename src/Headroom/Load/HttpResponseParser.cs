using System.Buffers.Text;
using System.Text;

namespace Headroom.Load;

/// <summary>What <see cref="HttpResponseParser.Parse"/> found in the bytes it was given.</summary>
internal enum ParseStatus
{
    /// <summary>The response is not complete yet: receive more.</summary>
    NeedMore,

    /// <summary>The response is complete.</summary>
    Complete,

    /// <summary>The bytes are not an HTTP/1.x response this parser understands.</summary>
    Malformed,
}

/// <summary>
/// The least of HTTP/1.1 a load generator needs to read a response and reuse the connection: status line,
/// Content-Length, chunked transfer coding, Connection: close / keep-alive, HTTP/1.0, bodiless statuses, and bodies
/// that end at close. It keeps no body bytes, allocates nothing (except a redirect's Location), and can be fed the
/// response in any number of pieces.
/// </summary>
internal struct HttpResponseParser
{
    private enum State { Headers, FixedBody, ChunkSize, ChunkExtension, ChunkData, ChunkDataEnd, Trailers, UntilClose, Done }

    private State _state;
    private long _remaining;
    private int _scanFrom;
    private bool _headRequest;
    private bool _sawChunkDigit;
    private int _trailerLineLength;

    /// <summary>The response's status code once the headers are read.</summary>
    public int StatusCode { get; private set; }

    /// <summary>Whether the connection may carry another request after this response.</summary>
    public bool KeepAlive { get; private set; }

    /// <summary>Body bytes received so far (decoded from chunks, not decompressed).</summary>
    public long BodyBytes { get; private set; }

    /// <summary>True once the header block has been read (the first byte of the response has long arrived).</summary>
    public readonly bool HeadersDone => _state != State.Headers;

    /// <summary>The Location header of a 3xx response, else null.</summary>
    public string? Location { get; private set; }

    /// <summary>Why the response was malformed, for the error distribution.</summary>
    public string? Problem { get; private set; }

    public void Reset(bool headRequest)
    {
        this = default;
        _headRequest = headRequest;
    }

    /// <summary>
    /// Parses the first <paramref name="filled"/> bytes of a connection's receive buffer and moves what was not
    /// consumed (an incomplete header block) to its front, so the next receive appends to it.
    /// </summary>
    public ParseStatus ParseBuffer(byte[] buffer, ref int filled)
    {
        var status = Parse(buffer.AsSpan(0, filled), out var consumed);
        filled -= consumed;
        if (consumed > 0 && filled > 0)
        {
            Buffer.BlockCopy(buffer, consumed, buffer, 0, filled);
        }
        return status;
    }

    /// <summary>
    /// Reads as much of <paramref name="data"/> as it can. Until the header block is complete nothing is consumed
    /// (the caller keeps the bytes and appends more); after that every body byte given is consumed.
    /// </summary>
    public ParseStatus Parse(ReadOnlySpan<byte> data, out int consumed)
    {
        consumed = 0;
        if (_state == State.Headers)
        {
            // The caller gives the kept bytes again with more appended; a shorter span starts the scan over.
            if (_scanFrom > data.Length)
            {
                _scanFrom = 0;
            }
            var end = data[_scanFrom..].IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                _scanFrom = Math.Max(0, data.Length - 3);
                return ParseStatus.NeedMore;
            }
            var headerLength = _scanFrom + end + 4;
            if (!ReadHeaderBlock(data[..headerLength]))
            {
                return ParseStatus.Malformed;
            }
            consumed = headerLength;
            if (_state == State.Headers)
            {
                // An interim 1xx response: the real one follows.
                _scanFrom = 0;
                return ParseStatus.NeedMore;
            }
        }
        var status = ParseBody(data[consumed..], out var bodyConsumed);
        consumed += bodyConsumed;
        return status;
    }

    /// <summary>The peer closed the connection: completes a body that runs until close, else the response is cut short.</summary>
    public ParseStatus EndOfStream()
    {
        if (_state is State.UntilClose or State.Done)
        {
            _state = State.Done;
            KeepAlive = false;
            return ParseStatus.Complete;
        }
        return ParseStatus.Malformed;
    }

    private bool ReadHeaderBlock(ReadOnlySpan<byte> block)
    {
        var lineEnd = block.IndexOf("\r\n"u8);
        var statusLine = block[..lineEnd];
        // "HTTP/1.1 200 OK"
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' ' ||
            !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int code, out var used) || used != 3 || code < 100 || code > 999)
        {
            Problem = "malformed status line";
            return false;
        }
        StatusCode = code;
        var http10 = statusLine[7] == (byte)'0';
        KeepAlive = !http10;
        long contentLength = -1;
        var chunked = false;
        var rest = block[(lineEnd + 2)..];
        while (true)
        {
            var end = rest.IndexOf("\r\n"u8);
            if (end <= 0)
            {
                break;
            }
            var line = rest[..end];
            rest = rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                Problem = "malformed header line";
                return false;
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out contentLength, out var consumedDigits) || consumedDigits != value.Length || contentLength < 0)
                {
                    Problem = "malformed Content-Length";
                    return false;
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                chunked = ContainsIgnoreCase(value, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                if (ContainsIgnoreCase(value, "close"u8))
                {
                    KeepAlive = false;
                }
                else if (ContainsIgnoreCase(value, "keep-alive"u8))
                {
                    KeepAlive = true;
                }
            }
            else if (code is >= 300 and < 400 && Ascii.EqualsIgnoreCase(name, "location"u8))
            {
                Location = Encoding.ASCII.GetString(value);
            }
        }
        if (code is >= 100 and < 200 && code != 101)
        {
            StatusCode = 0;
            Location = null;
            return true;
        }
        if (_headRequest || code is 204 or 304 or 101 || code < 200)
        {
            _state = State.Done;
        }
        else if (chunked)
        {
            _state = State.ChunkSize;
        }
        else if (contentLength >= 0)
        {
            _remaining = contentLength;
            _state = contentLength == 0 ? State.Done : State.FixedBody;
        }
        else
        {
            _state = State.UntilClose;
            KeepAlive = false;
        }
        return true;
    }

    private ParseStatus ParseBody(ReadOnlySpan<byte> data, out int consumed)
    {
        var i = 0;
        while (true)
        {
            switch (_state)
            {
                case State.Done:
                    consumed = i;
                    return ParseStatus.Complete;
                case State.UntilClose:
                    BodyBytes += data.Length - i;
                    consumed = data.Length;
                    return ParseStatus.NeedMore;
                case State.FixedBody or State.ChunkData:
                    {
                        var take = (int)Math.Min(_remaining, data.Length - i);
                        i += take;
                        _remaining -= take;
                        BodyBytes += take;
                        if (_remaining == 0)
                        {
                            _state = _state == State.FixedBody ? State.Done : State.ChunkDataEnd;
                            continue;
                        }
                        consumed = i;
                        return ParseStatus.NeedMore;
                    }
            }
            if (i == data.Length)
            {
                consumed = i;
                return ParseStatus.NeedMore;
            }
            if (!Step(data[i++]))
            {
                consumed = i;
                return ParseStatus.Malformed;
            }
        }
    }

    /// <summary>One byte of chunk framing or trailers.</summary>
    private bool Step(byte b)
    {
        switch (_state)
        {
            case State.ChunkSize:
                if (HexValue(b) is var digit and >= 0)
                {
                    if (_remaining > (long.MaxValue >> 4))
                    {
                        Problem = "chunk size too large";
                        return false;
                    }
                    _remaining = (_remaining << 4) | (long)digit;
                    _sawChunkDigit = true;
                    return true;
                }
                if (!_sawChunkDigit)
                {
                    Problem = "malformed chunk size";
                    return false;
                }
                _state = State.ChunkExtension;
                return Step(b);
            case State.ChunkExtension:
                if (b == (byte)'\n')
                {
                    _sawChunkDigit = false;
                    _state = _remaining == 0 ? State.Trailers : State.ChunkData;
                }
                return true;
            case State.ChunkDataEnd:
                if (b == (byte)'\n')
                {
                    _state = State.ChunkSize;
                    return true;
                }
                if (b == (byte)'\r')
                {
                    return true;
                }
                Problem = "chunk data longer than its size";
                return false;
            case State.Trailers:
                if (b == (byte)'\n')
                {
                    if (_trailerLineLength == 0)
                    {
                        _state = State.Done;
                    }
                    _trailerLineLength = 0;
                }
                else if (b != (byte)'\r')
                {
                    _trailerLineLength++;
                }
                return true;
            default:
                return false;
        }
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(haystack.Slice(i, needle.Length), needle))
            {
                return true;
            }
        }
        return false;
    }
}
