using Headroom.Targets;

namespace Headroom.Tests.Podman;

/// <summary>
/// Podman with everything of its own in one temp folder: storage root, run root, tmp dir, volumes, events and
/// network configuration, and a <c>containers.conf</c> given by <c>CONTAINERS_CONF</c> with the settings podman 4.3
/// needs on this machine (runc, cgroupfs, explicit ulimits; see shared/notes/container-engines.md). The Go sample is
/// imported as <see cref="SampleImage.Tag"/>. Tests call <see cref="Require"/>, which skips when podman is missing or
/// cannot run a container here, and fails instead under <c>HEADROOM_REQUIRE_CGROUPS=1</c> (CI).
/// </summary>
public sealed class PodmanFixture : IAsyncLifetime
{
    private const string Install = "apt-get install podman runc conmon catatonit netavark aardvark-dns uidmap";
    private static readonly string[] s_podmanPaths = ["/usr/bin/podman", "/usr/local/bin/podman"];
    private string? _podman;
    private DirectoryInfo? _folder;
    private string? _unavailable;

    /// <summary>The temp folder podman keeps everything in; pod files go here too.</summary>
    public string Folder => _folder!.FullName;

    public async ValueTask InitializeAsync()
    {
        _podman = s_podmanPaths.FirstOrDefault(File.Exists);
        if (_podman is null)
        {
            _unavailable = $"needs podman: it is not installed ({Install})";
            return;
        }
        if (Environment.UserName != "root")
        {
            _unavailable = "needs root: rootless podman cannot set memory limits on this cgroup v1 machine";
            return;
        }
        if (SampleImage.Busybox is null)
        {
            _unavailable = "needs busybox for the test image (apt-get install busybox-static)";
            return;
        }
        var ct = TestContext.Current.CancellationToken;
        // Short: conmon's attach sockets live under the run root, and a unix socket path has at most 107 characters.
        _folder = Directory.CreateTempSubdirectory("hp-");
        Directory.CreateDirectory(Path.Combine(Folder, "work"));
        Directory.CreateDirectory(Path.Combine(Folder, "networks"));
        File.WriteAllText(ContainersConf, ContainersConfText(Folder, HardOpenFilesLimit()));

        var info = await RunAsync(["info", "--format", "{{.Host.OCIRuntime.Name}} {{.Host.CgroupsVersion}}"], TimeSpan.FromSeconds(60), ct);
        if (!info.Succeeded)
        {
            _unavailable = $"podman cannot run here: {LastLine(info.StandardError)}";
            return;
        }
        var binary = await GoSampleBuild.FromDirectory(AppContext.BaseDirectory).EnsureBuiltAsync(ct);
        await SampleImage.ImportAsync(this, binary, ct);
    }

    private string ContainersConf => Path.Combine(Folder, "containers.conf");

    /// <summary>Runs <c>podman ARGS</c> against this fixture's storage, bounded by <paramref name="timeout"/>.</summary>
    public Task<ProcessResult> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(new ProcessSpec(_podman!,
        [
            "--root", Path.Combine(Folder, "root"),
            "--runroot", Path.Combine(Folder, "run"),
            .. arguments,
        ])
        {
            // kube play looks for a build context named after each image in its working directory: an empty one.
            WorkingDirectory = Path.Combine(Folder, "work"),
            Environment = new Dictionary<string, string?> { ["CONTAINERS_CONF"] = ContainersConf },
            Timeout = timeout,
            GracePeriod = TimeSpan.FromSeconds(10),
        }, cancellationToken);

    /// <summary>Like <see cref="RunAsync"/>, and fails the test with podman's own words when the command fails.</summary>
    public async Task<string> RunCheckedAsync(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = await RunAsync(arguments, timeout, cancellationToken);
        Assert.True(result.Succeeded,
            $"podman {string.Join(' ', arguments)} failed (exit {result.ExitCode}{(result.TimedOut ? ", timed out" : "")}): {result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>Skips (or, in CI, fails) the calling test when podman cannot run containers here.</summary>
    public void Require()
    {
        if (_unavailable is not null)
        {
            Unavailable.SkipOrFail(_unavailable);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is null)
        {
            return;
        }
        if (_podman is not null && _unavailable is null)
        {
            // Whatever a failed test left: pods first (their containers and cgroups), then images (their mounts).
            await RunAsync(["pod", "rm", "--all", "--force", "--time", "5"], TimeSpan.FromSeconds(60), CancellationToken.None);
            await RunAsync(["rmi", "--all", "--force"], TimeSpan.FromSeconds(60), CancellationToken.None);
        }
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A layer still mounted: the next run's temp cleanup removes it.
        }
    }

    /// <summary>runc, as crun cannot run in this hybrid cgroup setup; cgroupfs, as there is no systemd; ulimits no higher
    /// than this process may set (podman's default nofile is above it); every path under <paramref name="folder"/>.</summary>
    private static string ContainersConfText(string folder, long openFiles) => string.Create(CultureInfo.InvariantCulture, $"""
        [containers]
        default_ulimits = ["nofile={openFiles}:{openFiles}", "nproc=32768:32768"]

        [engine]
        runtime = "runc"
        cgroup_manager = "cgroupfs"
        tmp_dir = "{folder}/tmp"
        volume_path = "{folder}/volumes"
        events_logger = "file"
        events_logfile_path = "{folder}/events.log"

        [network]
        network_config_dir = "{folder}/networks"
        """);

    /// <summary>The hard RLIMIT_NOFILE of this process, from /proc/self/limits.</summary>
    private static long HardOpenFilesLimit()
    {
        var line = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields[1] == "unlimited" ? 1 << 20 : long.Parse(fields[1], CultureInfo.InvariantCulture);
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";
}
