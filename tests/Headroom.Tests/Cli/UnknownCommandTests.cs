namespace Headroom.Tests.Cli;

/// <summary>A mistyped command is one line naming the commands there are, exit 2.</summary>
public sealed class UnknownCommandTests
{
    [Fact]
    public async Task UnknownCommand_NamesTheCommands()
    {
        var (code, _, error) = await CliRun.RunAsync(["frobnicate"]);

        Assert.Equal(2, code);
        Assert.StartsWith("headroom: unknown command 'frobnicate'; commands: study, edge, matrix, floor, recommend, check, init, ", error);
        Assert.Contains(", run, load, vars, ", error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Version_PrintsTheVersion()
    {
        var (code, output, _) = await CliRun.RunAsync(["--version"]);

        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
    }
}
