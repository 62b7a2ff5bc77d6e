using Headroom.Specs;

namespace Headroom.Tests.Cli;

/// <summary><c>headroom init</c> on a real server: the file it writes names what the server really did, and runs.</summary>
[Collection(RealCgroupsCollection.Name)]
public sealed class InitCommandTests() : TempFolderTest("headroom-init-")
{
    [Fact]
    public async Task GoServer_PortsReadyRuntimeFound_AndTheFileRunsAsItIs()
    {
        var server = await TestPrograms.GoOomAsync();
        var port = PortCheck.FreePort();
        var file = Path.Combine(TempRoot, "headroom.yaml");

        var (code, output, error) = await CliRun.RunAsync("init", "-o", file, "--", server, "serve", port.ToString(CultureInfo.InvariantCulture), "0");

        Assert.Equal((0, $"headroom: starting {server} serve {port} 0 once, without a limit, to see what it listens on\n"), (code, error));
        Assert.StartsWith($"wrote {file}: ports {port}; ready http://127.0.0.1:{port}/ready; stats not found; runtime go", output);
        var yaml = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        Assert.Contains("# <- CHANGE ME", yaml);
        var spec = StudySpecReader.Parse(yaml);
        Assert.Equal(server, spec.Target.Command);
        Assert.Equal(["serve", port.ToString(CultureInfo.InvariantCulture), "0"], spec.Target.Args);
        Assert.Equal([port], spec.Target.Ports);
        Assert.Equal($"http://127.0.0.1:{port}/ready", spec.Target.ReadyUrl);
        Assert.Equal(TargetRuntime.Go, spec.Runtime);
        Assert.DoesNotContain(Headroom.Init.ListeningPorts.ListeningRows("/proc/net/tcp"), r => r.Port == port);

        // As it is, the file drives one real trial under a limit.
        CgroupRequirement.Writable();
        var (checkCode, checkOutput, _) = await CliRun.RunAsync("check", "-f", file, "--limit", "64Mi", "--confirm", "1");
        Assert.Equal(0, checkCode);
        Assert.Contains("PASS  survives at 64Mi", checkOutput);
    }

    [Fact]
    public async Task CommandThatListensOnNothing_IsAOneLineError()
    {
        var (code, _, error) = await CliRun.RunAsync("init", "-o", Path.Combine(TempRoot, "x.yaml"), "--wait", "1", "--", "sleep", "30");

        Assert.Equal(2, code);
        Assert.EndsWith("headroom: sleep 30 listened on no TCP port within 1 s; give it the port to listen on, or --wait longer\n", error);
        Assert.False(File.Exists(Path.Combine(TempRoot, "x.yaml")));
    }

    [Fact]
    public async Task ExistingFile_IsNotOverwritten()
    {
        var file = Path.Combine(TempRoot, "headroom.yaml");
        await File.WriteAllTextAsync(file, "name: mine\n", TestContext.Current.CancellationToken);

        var (code, _, error) = await CliRun.RunAsync("init", "-o", file, "--", "sleep", "1");

        Assert.Equal((2, $"headroom: {file} exists; give --force to overwrite it, or -o another file\n"), (code, error));
        Assert.Equal("name: mine\n", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
    }
}
