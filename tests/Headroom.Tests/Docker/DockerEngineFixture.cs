using Docker.DotNet;
using Docker.DotNet.Models;
using Headroom.Runners.Docker;

namespace Headroom.Tests.Docker;

/// <summary>
/// A Docker Engine of the tests' own: <c>dockerd</c> started by hand with its data, exec root and socket in a temp
/// folder (no systemd here), polled until <c>/_ping</c> answers, with the local images imported; stopped and
/// removed when the tests are done. Tests call <see cref="Require"/>, which skips when <c>docker.io</c> is not
/// installed, and fails instead under <c>HEADROOM_REQUIRE_CGROUPS=1</c> (CI).
/// </summary>
public sealed class DockerEngineFixture : IAsyncLifetime
{
    private static readonly string[] s_dockerdPaths = ["/usr/sbin/dockerd", "/usr/bin/dockerd"];
    private RunningProcess? _dockerd;
    private DirectoryInfo? _folder;
    private string? _unavailable;

    public Uri Endpoint { get; private set; } = null!;
    public DockerClient Client { get; private set; } = null!;
    public string BusyboxImage { get; private set; } = "";
    public string EmptyImage { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var dockerd = s_dockerdPaths.FirstOrDefault(File.Exists);
        if (dockerd is null)
        {
            _unavailable = "needs a Docker Engine: dockerd is not installed (apt-get install docker.io containerd runc tini iptables busybox-static)";
            return;
        }
        if (Environment.UserName != "root")
        {
            _unavailable = "needs root to start dockerd";
            return;
        }
        if (!LocalImage.BusyboxPaths.Any(File.Exists))
        {
            _unavailable = "needs busybox for the test image (apt-get install busybox-static)";
            return;
        }
        var ct = TestContext.Current.CancellationToken;
        // Short: the engine's sockets live under it and a unix socket path has at most 107 characters.
        _folder = Directory.CreateTempSubdirectory("hd-");
        var socket = Path.Combine(_folder.FullName, "docker.sock");
        Endpoint = new Uri("unix://" + socket);
        _dockerd = ProcessRunner.Start(new ProcessSpec(dockerd,
        [
            "--data-root", Path.Combine(_folder.FullName, "root"),
            "--exec-root", Path.Combine(_folder.FullName, "exec"),
            "--pidfile", Path.Combine(_folder.FullName, "dockerd.pid"),
            "-H", Endpoint.ToString(),
        ])
        {
            GracePeriod = TimeSpan.FromSeconds(20),
        });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                Client = await DockerEngine.ConnectAsync(Endpoint, ct);
                break;
            }
            catch (UserInputException) when (DateTime.UtcNow < deadline && !_dockerd.HasExited)
            {
                await Task.Delay(100, ct);
            }
            catch (UserInputException e)
            {
                throw new InvalidOperationException($"dockerd did not come up: {e.Message}\n{Tail(_dockerd.StandardError)}");
            }
        }
        BusyboxImage = await LocalImage.BusyboxHostAsync(Client, ct);
        EmptyImage = await LocalImage.EmptyAsync(Client, ct);
    }

    /// <summary>Skips (or, in CI, fails) the calling test when no engine could be started here.</summary>
    public void Require()
    {
        if (_unavailable is not null)
        {
            Unavailable.SkipOrFail(_unavailable);
        }
    }

    /// <summary>The containers labelled as this test process's (there should be none after a trial).</summary>
    public async Task<IList<ContainerListResponse>> OwnContainersAsync() =>
        await Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.Owner}={Environment.ProcessId}"] = true },
            },
        }, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_dockerd is not null)
        {
            // SIGTERM: dockerd stops its containers and containerd and unmounts its layers.
            await _dockerd.DisposeAsync();
        }
        if (_folder is not null)
        {
            try
            {
                _folder.Delete(recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A layer still mounted: the next run's temp cleanup removes it.
            }
        }
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(10));
}

[CollectionDefinition(Name)]
public sealed class DockerEngineCollection : ICollectionFixture<DockerEngineFixture>
{
    public const string Name = "docker engine";
}
