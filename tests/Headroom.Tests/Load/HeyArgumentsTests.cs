using Headroom.Load;

namespace Headroom.Tests.Load;

public sealed class HeyArgumentsTests
{
    [Fact]
    public void Split_ArticleCommandLine_KeepsQuotedHeaderAndQueryString()
    {
        var words = HeyArguments.Split("-m GET -c 10 -n 1000 -H 'Authorization: Bearer x.y.z' \"http://127.0.0.1:3000/v1/users?page=1&rows=2\"");

        Assert.Equal(["-m", "GET", "-c", "10", "-n", "1000", "-H", "Authorization: Bearer x.y.z", "http://127.0.0.1:3000/v1/users?page=1&rows=2"], words);
    }

    [Fact]
    public void Split_EscapesAndEmptyQuotes_AsAShellDoes() =>
        Assert.Equal(["a b", "", "say \"hi\"", "c\\d"], HeyArguments.Split(@"a\ b '' ""say \""hi\"""" 'c\d'"));

    [Fact]
    public void Split_UnterminatedQuote_IsUserInput() =>
        Assert.Throws<UserInputException>(() => HeyArguments.Split("-H 'Authorization: x"));

    [Fact]
    public void Parse_HeyFlags_MapToOptions()
    {
        var options = HeyArguments.Parse(HeyArguments.Split(
            "-n 1000 -c 10 -q 5 -m post -H 'A: 1' -H 'B: two' -d hello -T application/json -a u:p -t 3 " +
            "-disable-keepalive --disable-compression -disable-redirects http://localhost:8080/x?y=1"));

        Assert.Equal(1000, options.Requests);
        Assert.Equal(10, options.Concurrency);
        Assert.Equal(5, options.RatePerWorker);
        Assert.Equal("POST", options.Method);
        Assert.Equal([new("A", "1"), new("B", "two")], options.Headers);
        Assert.Equal("hello"u8.ToArray(), options.Body);
        Assert.Equal("application/json", options.ContentType);
        Assert.Equal("u:p", options.BasicAuth);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
        Assert.True(options.DisableKeepAlive && options.DisableCompression && options.DisableRedirects);
        Assert.Equal(new Uri("http://localhost:8080/x?y=1"), options.Url);
    }

    [Fact]
    public void Parse_HeadroomAdditions_MapToOptions()
    {
        var options = HeyArguments.Parse(["-z", "1m30s", "--rate=250", "--warmup", "100", "--json", "http://127.0.0.1:1/"]);

        Assert.Equal(TimeSpan.FromSeconds(90), options.Duration);
        Assert.Equal(250, options.TotalRate);
        Assert.Equal(100, options.Warmup);
        Assert.Equal(LoadOutputFormat.Json, options.Output);
    }

    [Fact]
    public void Parse_Defaults_AreHeys()
    {
        var options = HeyArguments.Parse(["http://127.0.0.1:1/"]);

        Assert.Equal((200, 50, TimeSpan.FromSeconds(20), "GET"), (options.Requests, options.Concurrency, options.Timeout, options.Method));
    }

    [Fact]
    public void Parse_DurationWithFewRequests_DoesNotCompareCWithN() =>
        Assert.Equal(50, HeyArguments.Parse(["-z", "2s", "-n", "1", "http://127.0.0.1:1/"]).Concurrency);
}
