using System.CommandLine;
using System.Globalization;
using Headroom.Runners;
using Headroom.Runners.Docker;
using Headroom.Runners.Local;

namespace Headroom.Cli.Commands;

/// <summary>
/// <c>--runner local|docker</c> and the container runner's flags, for every command that runs trials. With
/// <c>--runner docker</c> the command after '--' is the container's command (none = the image's), and <c>--ready</c> /
/// <c>--stats</c> are written with the container's ports: each is published on a free 127.0.0.1 port.
/// </summary>
internal static class ContainerRunnerOptions
{
    public static readonly Option<string> Runner = new("--runner")
    {
        Description = "Where trials run: local (a cgroup of its own on this machine) or docker (a container through the Docker Engine API at DOCKER_HOST, Podman's socket works too).",
        DefaultValueFactory = _ => "local",
    };

    public static readonly Option<string> Image = new("--image") { Description = "With --runner docker: the image to run (it must be in the engine already)." };

    public static readonly Option<int[]> Ports = new("--port")
    {
        Description = "With --runner docker: more container ports to publish on free 127.0.0.1 ports (the ports of --ready and --stats are published anyway).",
        AllowMultipleArgumentsPerToken = true,
    };

    public static readonly Option<double?> Cpus = new("--cpus") { Description = "With --runner docker: CPUs the container may use (docker run --cpus); default no CPU limit." };

    public static IEnumerable<Option> All => [Runner, Image, Ports, Cpus];

    public static bool IsDocker(ParseResult parsed) => (parsed.GetValue(Runner) ?? "local") switch
    {
        "local" => false,
        "docker" => true,
        var other => throw new UserInputException($"--runner '{other}' is not known; use local or docker"),
    };

    /// <summary>
    /// The executor for <c>--runner docker</c>, connected, with the containers of killed earlier runs removed and
    /// reported. The caller disposes it.
    /// </summary>
    public static async Task<DockerTrialExecutor> OpenAsync(ParseResult parsed, IReadOnlyList<string> command, string? ready, string? stats,
        ITrialLoad? load, LocalRunnerOptions local, Action<string> report, CancellationToken cancellationToken)
    {
        var executor = Create(parsed, command, ready, stats, load, local);
        try
        {
            await executor.OpenAsync(cancellationToken);
        }
        catch
        {
            executor.Dispose();
            throw;
        }
        foreach (var stale in executor.SweptStale)
        {
            report($"removed the stale container {stale} of an earlier run that was killed");
        }
        return executor;
    }

    private static DockerTrialExecutor Create(
        ParseResult parsed, IReadOnlyList<string> command, string? ready, string? stats, ITrialLoad? load, LocalRunnerOptions local)
    {
        var image = parsed.GetValue(Image) ?? throw new UserInputException("--runner docker needs --image NAME (an image already in the engine)");
        var cpus = parsed.GetValue(Cpus);
        if (cpus is <= 0)
        {
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture, $"--cpus {cpus} must be above 0"));
        }
        var readyUrl = Url(ready, "--ready");
        var statsUrl = Url(stats, "--stats");
        var ports = ContainerPorts.FreeHostPorts(
            new[] { readyUrl, statsUrl }.OfType<Uri>().Select(u => u.Port).Concat(parsed.GetValue(Ports) ?? []));
        var target = new ContainerTarget(image)
        {
            Command = command.Count > 0 ? command : null,
            Ports = ports,
            ReadyUrl = readyUrl is null ? null : ContainerPorts.ToHost(readyUrl, ports),
            StatsUrl = statsUrl is null ? null : ContainerPorts.ToHost(statsUrl, ports),
        };
        return new DockerTrialExecutor(target, load, new DockerRunnerOptions
        {
            Cpus = cpus,
            SampleInterval = local.SampleInterval,
            ReadyTimeout = local.ReadyTimeout,
            Hold = local.Hold,
            Thrashing = local.Thrashing,
        });
    }

    private static Uri? Url(string? text, string flag) => text is null
        ? null
        : Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http"
            ? url
            : throw new UserInputException($"{flag} '{text}' is not an http:// URL; use the container's port, e.g. http://127.0.0.1:3000/v1/readiness");
}
