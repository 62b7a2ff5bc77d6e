using System.CommandLine;
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
        Description = "Where trials run: local (a cgroup of its own on this machine), docker (a container through the Docker Engine API at DOCKER_HOST, Podman's socket works too) or k8s (a Deployment patched per trial, see --deployment).",
        DefaultValueFactory = _ => "local",
    };

    public static readonly Option<string> Image = new("--image") { Description = "With --runner docker: the image to run (it must be in the engine already)." };

    public static readonly Option<int[]> Ports = new("--port")
    {
        Description = "With --runner docker: more container ports to publish on free 127.0.0.1 ports (the ports of --ready and --stats are published anyway).",
        AllowMultipleArgumentsPerToken = true,
    };

    public static readonly Option<double?> Cpus = new("--cpus")
    {
        Description = "CPUs the target may use (0.25 = 250m, the article's pod): a cgroup cpu quota of N x the period (local), docker run --cpus (docker); default no CPU limit.",
    };

    /// <summary><c>--cpus</c>, checked; null when not given.</summary>
    public static double? ReadCpus(ParseResult parsed) =>
        parsed.GetValue(Cpus) is { } cpus ? Cgroups.CpuQuota.Validate(cpus, "--cpus") : null;

    public static readonly Option<string[]> Volumes = new("--volume")
    {
        Description = "With --runner docker: a bind mount HOST:CONTAINER[:ro], as docker run -v (repeat it); --host-dotnet adds the host's .NET and libraries.",
        AllowMultipleArgumentsPerToken = true,
    };

    public static readonly Option<bool> HostDotnet = new("--host-dotnet")
    {
        Description = $"With --runner docker: bind-mount the host's /usr/share/dotnet, /usr/lib and /usr/lib64 read-only (for {LocalImage.BusyboxHostTag}, see headroom local-images).",
    };

    public static readonly Option<string[]> Environment = new("--env")
    {
        Description = "NAME=VALUE set in the target's environment (the container's with --runner docker; repeat it); the knob set's variables win.",
        AllowMultipleArgumentsPerToken = true,
    };

    public static IEnumerable<Option> All => [Runner, Image, Ports, Cpus, Volumes, HostDotnet, Environment, .. KubernetesRunnerOptions.All];

    public static bool IsDocker(ParseResult parsed) => (parsed.GetValue(Runner) ?? "local") switch
    {
        "local" => false,
        "docker" => true,
        "k8s" => false,
        var other => throw new UserInputException($"--runner '{other}' is not known; use local, docker or k8s"),
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

    /// <summary>The experiments' executors for <c>--runner docker</c>: the spec's target in a container.</summary>
    public static ITrialExecutorFactory Factory(ParseResult parsed, LocalRunnerOptions local) => new DockerRunnerFactory(parsed, local);

    private sealed class DockerRunnerFactory(ParseResult parsed, LocalRunnerOptions local) : ITrialExecutorFactory
    {
        public Trials.ITrialExecutor Create(Specs.StudySpec spec)
        {
            var (target, load) = SpecContainerTargets.ForContainerRunner(spec, parsed.GetValue(Image));
            var extra = Extra(parsed);
            return new DockerTrialExecutor(target with
            {
                Binds = [.. target.Binds, .. extra.Binds],
                Environment = target.Environment.Concat(extra.Environment).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value),
            }, load, RunnerOptions(parsed, local) with { Liveness = spec.Liveness ?? local.Liveness, LoadTimeout = spec.LoadTimeout ?? local.LoadTimeout });
        }

        public Func<Trials.TrialResult, string, CancellationToken, Task>? SaveSamples { get; } =
            (result, path, cancellationToken) => Memory.SampleSeries.WriteAsync(path, result.Details.Samples, cancellationToken);
    }

    private static (IReadOnlyList<string> Binds, IReadOnlyDictionary<string, string> Environment) Extra(ParseResult parsed) =>
        ([.. parsed.GetValue(HostDotnet) ? LocalImage.HostDotnetBinds() : [], .. (parsed.GetValue(Volumes) ?? []).Select(Bind)],
         (parsed.GetValue(Environment) ?? []).Select(Variable).ToDictionary(v => v.Name, v => v.Value));

    private static DockerRunnerOptions RunnerOptions(ParseResult parsed, LocalRunnerOptions local)
    {
        var cpus = ReadCpus(parsed);
        return new DockerRunnerOptions
        {
            Cpus = cpus,
            Warm = local.Warm,
            SampleInterval = local.SampleInterval,
            ReadyTimeout = local.ReadyTimeout,
            Hold = local.Hold,
            Thrashing = local.Thrashing,
            Liveness = local.Liveness,
            LoadTimeout = local.LoadTimeout,
        };
    }

    private static DockerTrialExecutor Create(
        ParseResult parsed, IReadOnlyList<string> command, string? ready, string? stats, ITrialLoad? load, LocalRunnerOptions local)
    {
        var image = parsed.GetValue(Image) ?? throw new UserInputException("--runner docker needs --image NAME (an image already in the engine)");
        var options = RunnerOptions(parsed, local);
        var readyUrl = Url(ready, "--ready");
        var statsUrl = Url(stats, "--stats");
        var ports = ContainerPorts.FreeHostPorts(
            new[] { readyUrl, statsUrl }.OfType<Uri>().Select(u => u.Port).Concat(parsed.GetValue(Ports) ?? []));
        var extra = Extra(parsed);
        var target = new ContainerTarget(image)
        {
            Command = command.Count > 0 ? command : null,
            Ports = ports,
            ReadyUrl = readyUrl is null ? null : ContainerPorts.ToHost(readyUrl, ports),
            StatsUrl = statsUrl is null ? null : ContainerPorts.ToHost(statsUrl, ports),
            Binds = extra.Binds,
            Environment = extra.Environment,
        };
        return new DockerTrialExecutor(target, load, options);
    }

    private static string Bind(string text)
    {
        var parts = text.Split(':');
        if (parts.Length is < 2 or > 3 || !Path.IsPathFullyQualified(parts[0]) || !parts[1].StartsWith('/') || (parts.Length == 3 && parts[2] is not ("ro" or "rw")))
        {
            throw new UserInputException($"--volume '{text}' is not HOST:CONTAINER[:ro]; use absolute paths, e.g. $PWD/artifacts/sales-api:/app:ro");
        }
        return string.Join(':', [Path.GetFullPath(parts[0]), .. parts[1..]]);
    }

    private static (string Name, string Value) Variable(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals > 0
            ? (text[..equals], text[(equals + 1)..])
            : throw new UserInputException($"--env '{text}' is not NAME=VALUE; e.g. --env SALES_API_HOST=0.0.0.0");
    }

    private static Uri? Url(string? text, string flag) => text is null
        ? null
        : Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http"
            ? url
            : throw new UserInputException($"{flag} '{text}' is not an http:// URL; use the container's port, e.g. http://127.0.0.1:3000/v1/readiness");
}
