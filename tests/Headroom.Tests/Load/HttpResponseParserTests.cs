using System.Text;
using Headroom.Load;

namespace Headroom.Tests.Load;

public sealed class HttpResponseParserTests
{
    /// <summary>Feeds the response in pieces of <paramref name="piece"/> bytes, as a receive loop would.</summary>
    private static (ParseStatus Status, HttpResponseParser Parser) Feed(string response, int piece, bool head = false, bool closeAtEnd = false)
    {
        var parser = new HttpResponseParser();
        parser.Reset(head);
        var bytes = Encoding.ASCII.GetBytes(response);
        var pending = new List<byte>();
        var status = ParseStatus.NeedMore;
        for (var i = 0; i < bytes.Length && status == ParseStatus.NeedMore; i += piece)
        {
            pending.AddRange(bytes.Skip(i).Take(piece));
            status = parser.Parse(pending.ToArray(), out var consumed);
            pending.RemoveRange(0, consumed);
        }
        if (status == ParseStatus.NeedMore && closeAtEnd)
        {
            status = parser.EndOfStream();
        }
        return (status, parser);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Parse_ContentLength_CompleteInAnyPieces(int piece)
    {
        var (status, parser) = Feed("HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\nX: y\r\n\r\nhello", piece);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(404, parser.StatusCode);
        Assert.Equal(5, parser.BodyBytes);
        Assert.True(parser.KeepAlive);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public void Parse_Chunked_WithExtensionsAndTrailers(int piece)
    {
        var (status, parser) = Feed(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n", piece);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(15, parser.BodyBytes);
    }

    [Fact]
    public void Parse_ConnectionClose_IsNotKeptAlive() =>
        Assert.False(Feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 100).Parser.KeepAlive);

    [Fact]
    public void Parse_Http10WithoutLength_EndsAtClose()
    {
        var (status, parser) = Feed("HTTP/1.0 200 OK\r\n\r\nall of it", 4, closeAtEnd: true);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(9, parser.BodyBytes);
        Assert.False(parser.KeepAlive);
    }

    [Fact]
    public void Parse_HeadResponse_HasNoBodyDespiteContentLength() =>
        Assert.Equal(ParseStatus.Complete, Feed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 100, head: true).Status);

    [Fact]
    public void Parse_InterimContinue_ThenRealResponse()
    {
        var (status, parser) = Feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", 5);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(201, parser.StatusCode);
    }

    [Theory]
    [InlineData("SMTP 220 hello\r\n\r\n")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    public void Parse_Garbage_IsMalformed(string response) =>
        Assert.Equal(ParseStatus.Malformed, Feed(response, 100).Status);

    [Fact]
    public void EndOfStream_BeforeTheBodyIsComplete_IsMalformed() =>
        Assert.Equal(ParseStatus.Malformed, Feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 100, closeAtEnd: true).Status);
}
