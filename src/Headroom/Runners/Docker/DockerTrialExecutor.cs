using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Headroom.Runners.Local;
using Headroom.Runners.Trial;
using Headroom.Trials;

namespace Headroom.Runners.Docker;

/// <summary>
/// Runs trials in containers through the Docker Engine API (Docker, or Podman's compatible socket): a fresh container
/// per trial with <c>Memory</c> = <c>MemorySwap</c> = the limit, the knob set as environment, its port published on a
/// free 127.0.0.1 port, labelled with this process as owner; the same readiness, load, sampling, restarts and
/// classification as the local runner; the container removed afterwards, also on cancellation, and containers of
/// killed earlier runs removed at the first trial.
/// </summary>
public sealed class DockerTrialExecutor : ITrialExecutor, IDisposable
{
    private readonly ContainerTarget _target;
    private readonly ITrialLoad? _load;
    private readonly DockerRunnerOptions _options;
    private readonly SemaphoreSlim _opening = new(1, 1);
    private DockerClient? _client;
    private IReadOnlyList<string> _layerFiles = [];
    private int _trials;

    public DockerTrialExecutor(ContainerTarget target, ITrialLoad? load, DockerRunnerOptions options)
    {
        _target = target;
        _load = load;
        _options = options;
    }

    /// <summary>Containers of killed earlier runs removed when this executor first connected.</summary>
    public IReadOnlyList<string> SweptStale { get; private set; } = [];

    /// <summary>Connects to the engine, checks the image is there and removes what killed earlier runs left behind.</summary>
    public async Task<IDockerClient> OpenAsync(CancellationToken cancellationToken)
    {
        await _opening.WaitAsync(cancellationToken);
        try
        {
            if (_client is not null)
            {
                return _client;
            }
            var client = await DockerEngine.ConnectAsync(_options.Endpoint, cancellationToken);
            try
            {
                var image = await client.Images.InspectImageAsync(_target.Image, cancellationToken);
                _layerFiles = ImageLayerFiles.Under(ImageLayerFiles.Folders(image.GraphDriver?.Data));
            }
            catch (DockerImageNotFoundException)
            {
                client.Dispose();
                throw new UserInputException(
                    $"image '{_target.Image}' is not in the engine at {DockerEngine.Resolve(_options.Endpoint)}; build or load it first (docker build / docker import)");
            }
            SweptStale = await ContainerLabels.SweepStaleAsync(client, cancellationToken);
            _client = client;
            return client;
        }
        finally
        {
            _opening.Release();
        }
    }

    public async Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var client = await OpenAsync(cancellationToken);
        var wall = Stopwatch.StartNew();
        var trial = Interlocked.Increment(ref _trials);
        var launch = new TargetLaunch([_target.Image, .. _target.Entrypoint ?? [], .. _target.Command ?? []])
        {
            ReadyUrl = _target.ReadyUrl,
            StatsUrl = _target.StatsUrl,
            Environment = _target.Environment,
        };
        var knobs = request.Knobs.Render(request.Limit);
        string? containerId = null;
        try
        {
            if (request.Limit is { } limit && limit.Bytes < DockerRunnerOptions.LimitFloorBytes)
            {
                throw new UserInputException(
                    $"limit {limit} is below the floor of {new Limits.MemoryQuantity(DockerRunnerOptions.LimitFloorBytes)}, the least in which a container can start; use 4Mi or more");
            }
            var binds = BindMountFiles.ForTarget(_target);
            var files = _layerFiles.Concat(binds).Distinct(StringComparer.Ordinal).ToList();
            var cold = ColdStart.Evict(_options.Warm || files.Count == 0, files, ColdWords(binds.Count), _layerFiles.Count == 0 ? " (image layers left as they were: the engine names no layer folders on this host)" : "");
            progress?.Report(cold.Progress);
            var created = await client.Containers.CreateContainerAsync(
                CreateParameters(request, knobs, trial), cancellationToken);
            containerId = created.ID;
            progress?.Report($"container {containerId[..12]} from {_target.Image}" +
                             (request.Limit is { } l ? $", memory = memory+swap = {l}" : ", no memory limit") +
                             string.Concat(_target.Ports.Select(p => $", port {p.Key} on 127.0.0.1:{p.Value}")));
            await using var host = new ContainerTrialHost(client, containerId, _options);
            var result = await TrialLoop.RunAsync(host, new TrialSetup(request, launch, _target.Describe(), _load, cold), _options, progress, cancellationToken);
            return result with { WallTime = wall.Elapsed };
        }
        finally
        {
            if (containerId is not null)
            {
                await RemoveAsync(client, containerId, progress);
            }
        }
    }

    private string ColdWords(int bindFiles) => (_layerFiles.Count, bindFiles) switch
    {
        (0, _) => " of the bind mounts",
        (var layers, 0) => string.Create(CultureInfo.InvariantCulture, $" of the image's layers ({layers} files)"),
        var (layers, binds) => string.Create(CultureInfo.InvariantCulture, $" of the image's layers ({layers}) and the bind mounts ({binds})"),
    };

    private CreateContainerParameters CreateParameters(TrialRequest request, IReadOnlyDictionary<string, string> knobs, int trial)
    {
        var environment = new Dictionary<string, string>(_target.Environment);
        foreach (var (name, value) in knobs)
        {
            environment[name] = value;
        }
        var limit = request.Limit?.Bytes ?? 0;
        var parameters = new CreateContainerParameters
        {
            Name = string.Create(CultureInfo.InvariantCulture, $"headroom-{System.Environment.ProcessId}-{trial}"),
            Image = _target.Image,
            Cmd = _target.Command?.ToList(),
            Entrypoint = _target.Entrypoint?.ToList(),
            Env = [.. environment.Select(e => $"{e.Key}={e.Value}")],
            Labels = ContainerLabels.For(trial, request.Purpose),
            HostConfig = new HostConfig
            {
                // MemorySwap = Memory: no swap, as under a kubelet.
                Memory = limit,
                MemorySwap = limit,
                NanoCPUs = _options.Cpus is { } cpus ? (long)(cpus * 1e9) : 0,
                Binds = [.. _target.Binds],
            },
        };
        if (_target.Ports.Count > 0)
        {
            static string Key(int port) => string.Create(CultureInfo.InvariantCulture, $"{port}/tcp");
            parameters.ExposedPorts = _target.Ports.Keys.ToDictionary(Key, _ => default(EmptyStruct));
            parameters.HostConfig.PortBindings = _target.Ports.ToDictionary(p => Key(p.Key), p => (IList<PortBinding>)
                [new PortBinding { HostIP = "127.0.0.1", HostPort = p.Value.ToString(CultureInfo.InvariantCulture) }]);
        }
        return parameters;
    }

    private static async Task RemoveAsync(IDockerClient client, string containerId, IProgress<string>? progress)
    {
        // Not the trial's token: a cancelled trial must still remove its container.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await client.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true }, timeout.Token);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            progress?.Report($"could not remove container {containerId[..12]} ({e.Message.TrimEnd('.')}); the next start removes it");
        }
    }

    public void Dispose()
    {
        _client?.Dispose();
        _opening.Dispose();
    }
}
