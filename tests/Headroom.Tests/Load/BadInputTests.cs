using Headroom.Cli;

namespace Headroom.Tests.Load;

public sealed class BadInputTests
{
    [Theory]
    [InlineData("malformed URL", "http//nope")]
    [InlineData("is not an HTTP URL", "ftp://127.0.0.1/file")]
    [InlineData("-c must be at least 1", "-c", "0", "http://127.0.0.1:1/")]
    [InlineData("-n must be at least 1", "-n", "-1", "http://127.0.0.1:1/")]
    [InlineData("is more than -n", "-c", "10", "-n", "5", "http://127.0.0.1:1/")]
    [InlineData("cannot read the body file", "-D", "/nonexistent/body.json", "http://127.0.0.1:1/")]
    [InlineData("malformed header", "-H", "no colon here", "http://127.0.0.1:1/")]
    [InlineData("-z must be a duration", "-z", "soon", "http://127.0.0.1:1/")]
    [InlineData("-n must be a whole number", "-n", "many", "http://127.0.0.1:1/")]
    public async Task Load_BadInput_OneLineErrorAndExit2(string expected, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await HeadroomApp.RunAsync(["load", .. args], stdout, stderr);

        Assert.Equal(2, exit);
        var message = stderr.ToString();
        Assert.Single(message.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("headroom: ", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Equal("", stdout.ToString());
    }
}
