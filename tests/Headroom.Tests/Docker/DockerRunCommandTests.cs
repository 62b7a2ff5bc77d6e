using Docker.DotNet.Models;
using Headroom.Runners.Docker;

namespace Headroom.Tests.Docker;

/// <summary><c>headroom run --runner docker</c>: bad input is one line and exit 2; SIGTERM mid-trial removes the container.</summary>
[Collection(DockerEngineCollection.Name)]
public class DockerRunCommandTests(DockerEngineFixture engine)
{
    private static ProcessSpec Cli(string dockerHost, params string[] args) =>
        new("dotnet", [Path.Combine(AppContext.BaseDirectory, "Headroom.Cli.dll"), .. args])
        {
            Timeout = TimeSpan.FromMinutes(2),
            Environment = new Dictionary<string, string?> { ["DOCKER_HOST"] = dockerHost },
        };

    [Theory]
    [InlineData("unix:///nonexistent/docker.sock", "--image|x", "no container engine socket at /nonexistent/docker.sock")]
    [InlineData("unix:///nonexistent/docker.sock", "", "--runner docker needs --image")]
    [InlineData("unix:///nonexistent/docker.sock", "--image|x|--volume|artifacts:/app", "--volume 'artifacts:/app' is not HOST:CONTAINER[:ro]")]
    [InlineData("unix:///nonexistent/docker.sock", "--image|x|--env|NOVALUE", "--env 'NOVALUE' is not NAME=VALUE")]
    public async Task BadInput_IsOneLineAndExit2(string dockerHost, string extra, string message)
    {
        string[] args = ["run", "--runner", "docker", "--limit", "64Mi", .. extra.Split('|', StringSplitOptions.RemoveEmptyEntries)];
        var result = await ProcessRunner.RunAsync(Cli(dockerHost, args), TestContext.Current.CancellationToken);
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRunner_IsOneLineAndExit2()
    {
        var result = await ProcessRunner.RunAsync(Cli("", "run", "--runner", "k9s", "--", "true"), TestContext.Current.CancellationToken);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--runner 'k9s' is not known; use local, docker or k8s", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigtermOfTheCliMidTrial_RemovesTheContainer()
    {
        engine.Require();
        var ct = TestContext.Current.CancellationToken;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var cli = ProcessRunner.Start(Cli(engine.Endpoint.ToString(),
            "run", "--runner", "docker", "--image", engine.BusyboxImage, "--limit", "32Mi", "--hold", "120",
            "--ready", "http://127.0.0.1:8080/passwd", "--", "httpd", "-f", "-p", "8080", "-h", "/etc") with
        {
            GracePeriod = TimeSpan.FromSeconds(30),
            OnOutputLine = line =>
            {
                if (line.StartsWith("headroom: ready", StringComparison.Ordinal))
                {
                    ready.TrySetResult();
                }
            },
        });
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        Assert.Single(await ContainersOfAsync(cli.Id));

        var result = await cli.StopAsync(ct);
        Assert.False(result.Killed, "the CLI did not finish its cleanup within 30 s of SIGTERM");
        Assert.Equal(130, result.ExitCode);
        Assert.Empty(await ContainersOfAsync(cli.Id));
    }

    private async Task<IList<ContainerListResponse>> ContainersOfAsync(int pid) =>
        await engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.Owner}={pid.ToString(CultureInfo.InvariantCulture)}"] = true },
            },
        }, CancellationToken.None);
}
