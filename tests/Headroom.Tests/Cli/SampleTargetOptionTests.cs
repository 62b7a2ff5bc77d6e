namespace Headroom.Tests.Cli;

/// <summary><c>--target</c> names a bundled sample; a second way of naming the target at the same time is a one-line error.</summary>
public sealed class SampleTargetOptionTests() : TempFolderTest("headroom-target-")
{
    private static Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args) => CliRun.RunAsync(args);

    [Theory]
    [InlineData("study")]
    [InlineData("edge")]
    [InlineData("matrix")]
    [InlineData("floor")]
    public async Task TargetWithASpecFile_IsAOneLineError(string command)
    {
        var spec = Path.Combine(TempRoot, "headroom.yaml");
        await File.WriteAllTextAsync(spec, "target:\n  command: ./svc\n", TestContext.Current.CancellationToken);

        var (code, _, error) = await RunAsync(command, "--target", "go", "-f", spec, "--out", Path.Combine(TempRoot, "out"));

        Assert.Equal((2, $"headroom: --target go and -f {spec} both name the target; give one of them\n"), (code, error));
        Assert.False(Directory.Exists(Path.Combine(TempRoot, "out")));
    }

    [Fact]
    public async Task Run_TargetWithACommand_IsAOneLineError()
    {
        var (code, _, error) = await RunAsync("run", "--target", "go", "--", "/bin/true");

        Assert.Equal((2, "headroom: --target go and the command after '--' both name the target; give one of them\n"), (code, error));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("study")]
    public async Task UnknownTarget_NamesTheSamples(string command)
    {
        var (code, _, error) = await RunAsync(command, "--target", "rust", "--out", Path.Combine(TempRoot, "out"));

        Assert.Equal((2, "headroom: --target 'rust' is not a bundled sample; use sales-api (the C# sample) or go (its Go twin)\n"), (code, error));
    }

    [Fact]
    public async Task TargetWithTheDockerRunner_IsAOneLineError()
    {
        var (code, _, error) = await RunAsync("edge", "--target", "go", "--runner", "docker", "--out", Path.Combine(TempRoot, "out"));

        Assert.Equal((2, "headroom: --target go runs with the local runner; with --runner docker give --image\n"), (code, error));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("study")]
    [InlineData("edge")]
    [InlineData("matrix")]
    [InlineData("floor")]
    public async Task Help_ShowsTargetAndItsChoices(string command)
    {
        var (code, output, _) = await RunAsync(command, "--help");

        Assert.Equal(0, code);
        Assert.Contains("--target", output);
        Assert.Contains("sales-api (C#, the default) or go", output);
    }
}
