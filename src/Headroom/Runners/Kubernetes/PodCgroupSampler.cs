using Headroom.Cgroups;
using Headroom.Memory;
using Headroom.Trials;
using k8s;
using k8s.Autorest;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Reads the container's memory cgroup from inside it, as <c>kubectl exec POD -c C -- cat FILES</c> would: once to
/// find the layout (v2 <c>/sys/fs/cgroup/memory.current</c>, with <c>memory.peak</c> where the kernel has it; else v1
/// under <c>/sys/fs/cgroup/memory/</c>), then one <c>cat</c> of all the files per tick, parsed by the same parsers as
/// the local runner's cgroups. An exec the cluster refuses (RBAC without <c>pods/exec</c>), an image without
/// <c>cat</c> (<c>FROM scratch</c>) or without the files ends the sampling with a <see cref="Note"/>; the trial goes
/// on without it (the kubelet's summary, <see cref="PodSummarySampler"/>, needs no exec). Any other failed exec (the
/// container restarting, a slow API server) is tried again at the next tick, the first one too; each exec is cut off
/// after its timeout, so a stuck one cannot hang the trial. Each <c>cat</c> runs in the container's memory cgroup and
/// is charged to it, which is why the interval is long and <see cref="PodObservation"/> skips it at small limits.
/// </summary>
public sealed class PodCgroupSampler : IAsyncDisposable
{
    private const string V2 = "/sys/fs/cgroup/";
    private const string V1 = "/sys/fs/cgroup/memory/";
    private readonly KubeConnection _connection;
    private readonly string _pod;
    private readonly string _container;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _timeout;
    private readonly BackgroundLoop _loop = new();
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long? _peak;
    private int _readings;
    private CgroupMemoryReading? _latest;
    private CgroupMemoryReading? _lastGood;

    public PodCgroupSampler(KubeConnection connection, string pod, string container, TimeSpan interval, TimeSpan timeout)
    {
        _timeout = timeout;
        _connection = connection;
        _pod = pod;
        _container = container;
        _interval = interval;
    }

    /// <summary>The last reading; null while the exec fails (the container is restarting) or before the first.</summary>
    public CgroupMemoryReading? Latest => Volatile.Read(ref _latest);

    /// <summary>The last reading that succeeded (its <c>memory.events</c> at the end).</summary>
    public CgroupMemoryReading? LastGood => Volatile.Read(ref _lastGood);

    /// <summary>The container's cgroup version (v1, v2) once the exec has found it.</summary>
    public string? Version { get; private set; }

    /// <summary>What was read: <c>cgroup v2 through exec</c> (or v1); empty until the layout is known.</summary>
    public string Source { get; private set; } = "cgroup through exec";

    /// <summary>Why there are no (or fewer) readings: refused, no <c>cat</c>, no cgroup files; the last failed exec.</summary>
    public string? Note { get; private set; }

    public void Start(CancellationToken cancellationToken) => _loop.Start(LoopAsync, cancellationToken);

    /// <summary>Completes at the first exec's answer: a reading, or a note that says why there is none.</summary>
    public Task FirstAnswer => _answered.Task;

    /// <summary>The highest usage or kernel peak read.</summary>
    public MemorySourcePeak Peak() => new(Source, _peak, _readings, Note ?? (_readings == 0 ? "no reading before the trial ended" : null));

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(_interval);
            (string Version, string[] Numbers, string[] Keyed)? layout;
            while ((layout = await LayoutAsync(cancellationToken)) is null)
            {
                _answered.TrySetResult();
                if (!await timer.WaitForNextTickAsync(cancellationToken))
                {
                    return;
                }
            }
            var (version, numbers, keyed) = layout.Value;
            Version = version;
            Source = $"cgroup {version} through exec ({string.Join(", ", numbers.Concat(keyed))})";
            var files = numbers.Concat(keyed).Select(f => (version == "v2" ? V2 : V1) + f).ToArray();
            do
            {
                var (exit, stdout, stderr) = await CatAsync(files, cancellationToken);
                if (exit != 0)
                {
                    Volatile.Write(ref _latest, null);
                    Note = $"the last exec failed: {Shorten(stderr)}";
                }
                else
                {
                    var reading = Parse(version, numbers, keyed, stdout);
                    Volatile.Write(ref _latest, reading);
                    Volatile.Write(ref _lastGood, reading);
                    _peak = Math.Max(_peak ?? 0, Math.Max(reading.PeakBytes ?? 0, reading.UsageBytes));
                    _readings++;
                }
                _answered.TrySetResult();
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // The trial is over.
        }
        catch (StopSampling stop)
        {
            Volatile.Write(ref _latest, null);
            Note = stop.Message;
        }
        finally
        {
            _answered.TrySetResult();
        }
    }

    /// <summary>
    /// Which files there are: the single-number files first (one line each in <c>cat</c>'s output), then the
    /// key-value files. Null (with the note set) when the exec failed this time; throws <see cref="StopSampling"/>
    /// when it never can (no <c>cat</c> in the image, no cgroup files).
    /// </summary>
    private async Task<(string Version, string[] Numbers, string[] Keyed)?> LayoutAsync(CancellationToken cancellationToken)
    {
        var (exit, _, stderr) = await CatAsync([V2 + "memory.current"], cancellationToken);
        if (exit == 0)
        {
            var peak = (await CatAsync([V2 + "memory.peak"], cancellationToken)).Exit == 0;
            return ("v2", peak ? ["memory.current", "memory.peak"] : ["memory.current"], ["memory.stat", "memory.events"]);
        }
        var v2Missing = exit > 0;
        (exit, _, stderr) = await CatAsync([V1 + "memory.usage_in_bytes"], cancellationToken);
        if (exit == 0)
        {
            return ("v1", ["memory.usage_in_bytes", "memory.max_usage_in_bytes", "memory.failcnt"], ["memory.stat", "memory.oom_control"]);
        }
        if (v2Missing && exit > 0)
        {
            // cat ran and found neither layout's files.
            throw new StopSampling($"no memory cgroup files in the container ({Shorten(stderr)})");
        }
        Note = $"the last exec failed: {Shorten(stderr)}";
        return null;
    }

    /// <summary>
    /// Splits one <c>cat</c> of the files back into their texts: a line each for the number files, then memory.stat
    /// up to the line the events file always starts with (v2 <c>low</c>, v1 <c>oom_kill_disable</c>).
    /// </summary>
    internal static CgroupMemoryReading Parse(string version, IReadOnlyList<string> numbers, IReadOnlyList<string> keyed, string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < numbers.Count && i < lines.Length; i++)
        {
            texts[numbers[i]] = lines[i];
        }
        var rest = lines.Skip(numbers.Count).ToArray();
        var first = version == "v2" ? "low " : "oom_kill_disable ";
        var split = Array.FindIndex(rest, l => l.StartsWith(first, StringComparison.Ordinal));
        texts[keyed[0]] = string.Join('\n', split < 0 ? rest : rest[..split]);
        texts[keyed[1]] = split < 0 ? "" : string.Join('\n', rest[split..]);
        string? File(string name) => texts.GetValueOrDefault(name);
        return version == "v2" ? CgroupV2MemoryCgroup.Parse(File) : CgroupV1MemoryCgroup.Parse(File);
    }

    /// <summary>
    /// One <c>cat</c>: its exit code (-1 when the exec itself failed: timed out, the container not running), output
    /// and errors; <see cref="StopSampling"/> when it never can work (refused, no <c>cat</c> in the image).
    /// </summary>
    private async Task<(int Exit, string Stdout, string Stderr)> CatAsync(string[] files, CancellationToken trialToken)
    {
        string stdout = "", stderr = "";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(trialToken);
        timeout.CancelAfter(_timeout);
        var cancellationToken = timeout.Token;
        try
        {
            var exit = await _connection.Client.NamespacedPodExecAsync(_pod, _connection.Namespace, _container, ["cat", .. files], false,
                async (_, output, error) =>
                {
                    // The client's exec streams only read synchronously (a blocking wait for the next frame); their
                    // ReadAsync would hold thread-pool threads for the whole exec, and at a short interval starve the
                    // trial's timers and load. One thread of its own reads both (cat's output is a few KiB).
                    (stdout, stderr) = await Task.Factory.StartNew(() =>
                    {
                        using var outReader = new StreamReader(output);
                        using var errReader = new StreamReader(error);
                        return (outReader.ReadToEnd(), errReader.ReadToEnd());
                    }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                }, cancellationToken).WaitAsync(cancellationToken);
            return (exit, stdout, stderr);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.Unauthorized)
        {
            throw new StopSampling($"exec refused ({(int)e.Response.StatusCode}): grant create on pods/exec to read the container's cgroup");
        }
        catch (KubernetesException e) when (e.Status?.Code is 403 or 401)
        {
            throw new StopSampling($"exec refused ({e.Status.Code}): grant create on pods/exec to read the container's cgroup");
        }
        catch (KubernetesException e) when ((e.Status?.Message ?? e.Message).Contains("executable file not found", StringComparison.Ordinal))
        {
            throw new StopSampling($"no cat in the container's image (FROM scratch?): {Shorten(e.Status?.Message ?? e.Message)}");
        }
        catch (KubernetesException e)
        {
            // A container that is not running (restarting after an OOM kill).
            return (-1, "", e.Status?.Message ?? e.Message);
        }
        catch (OperationCanceledException) when (!trialToken.IsCancellationRequested)
        {
            return (-1, "", $"exec timed out after {_timeout.TotalSeconds:0.#} s");
        }
        catch (System.Net.WebSockets.WebSocketException e) when (RefusedUpgrade(e) is { } code and (401 or 403))
        {
            throw new StopSampling($"exec refused ({code}): grant create on pods/exec to read the container's cgroup");
        }
        catch (Exception e) when (e is HttpOperationException or System.Net.WebSockets.WebSocketException or IOException or HttpRequestException)
        {
            return (-1, "", e.Message);
        }
    }

    /// <summary>
    /// The status the API server answered the exec's upgrade with: the client lets ClientWebSocket's exception through,
    /// which has the code only in its message ("The server returned status code '403' when status code '101' was expected.").
    /// </summary>
    private static int? RefusedUpgrade(System.Net.WebSockets.WebSocketException e) =>
        e.WebSocketErrorCode == System.Net.WebSockets.WebSocketError.NotAWebSocket
        && System.Text.RegularExpressions.Regex.Match(e.Message, @"'(\d{3})'") is { Success: true } match
            ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    private static string Shorten(string text)
    {
        var line = text.Trim().Split('\n')[0];
        return line.Length > 160 ? line[..157] + "..." : line;
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();

    private sealed class StopSampling(string message) : Exception(message);
}
