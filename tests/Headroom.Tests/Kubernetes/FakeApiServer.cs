using System.Text.Json.Nodes;
using Headroom.Runners.Kubernetes;
using Headroom.Tests.Load;
using k8s;
using Microsoft.AspNetCore.Http;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// A Kubernetes API server in miniature on 127.0.0.1 (Kestrel, port 0): it serves the calls the runner makes from
/// recorded API objects (a Deployment, its ReplicaSet and pod), applies the JSON patches it receives to the Deployment
/// as the real one does (a template change bumps the generation and the revision, and the rollout takes a few reads
/// to finish), and records every request. The same server plays the application: <c>/app/ready</c> and
/// <c>/app/work</c>; with <see cref="OomAfterRequests"/> set, the pod's container is OOM-killed after that many
/// requests (lastState OOMKilled, exit 137, restartCount 1), and the app refuses work from then on.
/// </summary>
internal sealed partial class FakeApiServer : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly KestrelTarget _server;
    private readonly JsonObject _deployment = Recorded("deployment.json");
    private readonly List<RecordedRequest> _requests = [];
    private int _rolloutReadsLeft;
    private int _work;
    private bool _killed;
    private bool _evicted;
    private readonly List<long> _workingSets = [];

    private FakeApiServer(KestrelTarget server) => _server = server;

    public sealed record RecordedRequest(string Method, string Path, string Query, string Body)
    {
        public DateTime At { get; } = DateTime.UtcNow;
    }

    public Uri Url => _server.Url;

    /// <summary>Requests to <c>/app/work</c> before the container is OOM-killed; null = never.</summary>
    public int? OomAfterRequests { get; set; }

    /// <summary>Bytes: a container whose memory limit is below this is OOM-killed after <see cref="OomAfterRequests"/> requests.</summary>
    public long? OomBelowLimit { get; set; }

    /// <summary>PATCH is refused as RBAC refuses a Role without the patch verb.</summary>
    public bool ForbidPatch { get; set; }

    /// <summary>
    /// Nothing listens on the pod's port: the kubelet answers each port-forward connection on the port's error channel
    /// with its dial error and closes it (kubelet's streaming portforward: "error forwarding port %d to pod %s, uid %v: %v").
    /// </summary>
    public bool PortForwardRefused { get; set; }

    /// <summary>The new pod is OOM-killed as it starts (CrashLoopBackOff): the rollout never completes.</summary>
    public bool OomOnStart { get; set; }

    /// <summary>Reads of the Deployment that show the rollout still in progress after each template change.</summary>
    public int RolloutReads { get; set; } = 2;

    /// <summary>Whether <c>metrics.k8s.io</c> is served (a cluster with metrics-server); otherwise its list is a 404.</summary>
    public bool MetricsServed { get; set; }

    /// <summary>The container's cgroup as <c>exec cat</c> finds it: 2 (v2, with memory.peak), 1 (v1), null (no such files).</summary>
    public int? CgroupVersion { get; set; }

    /// <summary>The v2 <c>memory.peak</c> the fake container reports (its high-water mark since it started).</summary>
    public long CgroupPeakBytes { get; set; } = 52 * 1024 * 1024;

    /// <summary>exec is refused as RBAC refuses a Role without create on pods/exec.</summary>
    public bool ForbidExec { get; set; }

    /// <summary>The pod is evicted by the kubelet (node memory pressure) after this many requests to <c>/app/work</c>.</summary>
    public int? EvictAfterRequests { get; set; }

    /// <summary>The new pod cannot be scheduled (no node has the memory): it stays Pending and the rollout never completes.</summary>
    public bool Unschedulable { get; set; }

    /// <summary>Called at each request to <c>/app/work</c> (tests cancel a trial from here).</summary>
    public Action<int>? OnWork { get; set; }

    /// <summary>Cancels <paramref name="ctrlC"/> at the <paramref name="request"/>th request to <c>/app/work</c>, as Ctrl+C mid-load.</summary>
    public void CancelAtWork(int request, CancellationTokenSource ctrlC) => OnWork = n =>
    {
        if (n == request)
        {
            ctrlC.Cancel();
        }
    };

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Every working set (bytes) the metrics endpoint served.</summary>
    public IReadOnlyList<long> WorkingSetsServed
    {
        get
        {
            lock (_lock)
            {
                return [.. _workingSets];
            }
        }
    }

    public IReadOnlyList<JsonArray> Patches => [.. Requests.Where(r => r.Method == "PATCH").Select(r => JsonNode.Parse(r.Body)!.AsArray())];

    public JsonObject Deployment
    {
        get
        {
            lock (_lock)
            {
                return _deployment.DeepClone().AsObject();
            }
        }
    }

    public static async Task<FakeApiServer> StartAsync(CancellationToken cancellationToken)
    {
        FakeApiServer? fake = null;
        var server = await KestrelTarget.StartAsync(context => fake!.HandleAsync(context), cancellationToken);
        fake = new FakeApiServer(server);
        return fake;
    }

    /// <summary>A connection as the CLI makes one (with its <see cref="RetryingHandler"/>, backing off from 50 ms here).</summary>
    public KubeConnection Connect() =>
        new(KubeConnection.ClientFor(new KubernetesClientConfiguration { Host = Url.ToString().TrimEnd('/') }, Retrying = new RetryingHandler { FirstBackoff = TimeSpan.FromMilliseconds(50) }),
            "default", $"fake API server {Url}");

    /// <summary>Writes a kubeconfig whose current context (namespace default) names this server.</summary>
    public Task WriteKubeconfigAsync(string path, CancellationToken cancellationToken) => File.WriteAllTextAsync(path, $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster:
            server: {Url.ToString().TrimEnd('/')}
        users:
        - name: fake
          user:
            token: not-checked
        contexts:
        - name: fake
          context:
            cluster: fake
            user: fake
            namespace: default
        current-context: fake
        """, cancellationToken);

    /// <summary>The retrying handler of the last connection made.</summary>
    public RetryingHandler? Retrying { get; private set; }

    /// <summary>Runner options for trials against this server: fast polls, short timeouts, its readiness path.</summary>
    public K8sRunnerOptions FastOptions() => new()
    {
        PollInterval = TimeSpan.FromMilliseconds(50),
        SampleInterval = TimeSpan.FromMilliseconds(50),
        RolloutTimeout = TimeSpan.FromSeconds(10),
        ReadyTimeout = TimeSpan.FromSeconds(5),
        RestoreTimeout = TimeSpan.FromSeconds(10),
        ReadyUrl = new Uri(Url, "app/ready"),
    };

    public static JsonObject Recorded(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Kubernetes", "Recorded", file)))!.AsObject();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await new StreamReader(request.Body).ReadToEndAsync(context.RequestAborted);
        var path = request.Path.Value ?? "";
        if (path.StartsWith("/app/", StringComparison.Ordinal))
        {
            await AppAsync(context, path);
            return;
        }
        if (path.EndsWith("/exec", StringComparison.Ordinal))
        {
            lock (_lock)
            {
                _requests.Add(new RecordedRequest(context.WebSockets.IsWebSocketRequest ? "EXEC" : request.Method, path, request.QueryString.Value ?? "", ""));
            }
            await FakeExec.ServeAsync(context, this);
            return;
        }
        if (context.WebSockets.IsWebSocketRequest && path.EndsWith("/portforward", StringComparison.Ordinal))
        {
            lock (_lock)
            {
                _requests.Add(new RecordedRequest("WEBSOCKET", path, request.QueryString.Value ?? "", ""));
            }
            await PortForwardAsync(context);
            return;
        }
        lock (_lock)
        {
            _requests.Add(new RecordedRequest(request.Method, path, request.QueryString.Value ?? "", body));
        }
        if (!await AuthenticateAsync(context))
        {
            return;
        }
        if (Fault(request.Method, path, request.Query["watch"].ToString() == "true") is { } fault)
        {
            context.Response.StatusCode = fault.Status;
            if (fault.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }
            if (fault.Status == 0)
            {
                context.Abort();
                return;
            }
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Status(fault.Status, fault.Message), context.RequestAborted);
            return;
        }
        var (status, json) = Api(request.Method, path, Uri.UnescapeDataString(request.Query["labelSelector"].ToString()), request.ContentType, body,
            Uri.UnescapeDataString(request.Query["fieldSelector"].ToString()));
        context.Response.StatusCode = status;
        context.Response.ContentType = path.EndsWith("/log", StringComparison.Ordinal) ? "text/plain" : "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }

    private async Task AppAsync(HttpContext context, string path)
    {
        bool killed;
        int work = 0;
        lock (_lock)
        {
            if (path == "/app/work" && !_killed)
            {
                work = ++_work;
                _killed = OomAfterRequests is { } n && work >= n && (OomBelowLimit is not { } below || CurrentLimit() < below);
                _livenessKilled = LivenessKillAfterRequests is { } l && work >= l;
                _evicted = EvictAfterRequests is { } e && work >= e;
                if (!_deleted && DeletePodAfterRequests is { } d && work >= d && _deletions < DeletePodTimes)
                {
                    _deleted = true;
                    _deletions++;
                }
            }
            killed = _killed || _evicted || _deleted || _livenessKilled;
        }
        if (work > 0)
        {
            OnWork?.Invoke(work);
        }
        context.Response.StatusCode = killed ? 503 : 200;
        await context.Response.WriteAsync(killed ? "container restarting" : "ok", context.RequestAborted);
    }

    /// <summary>
    /// The port-forward protocol (v4.channel.k8s.io) as the API server speaks it: each binary message starts with its
    /// channel (0 data, 1 error); the first message on each channel is the port (2 bytes, little-endian). Data goes to
    /// this server's own port, which plays the pod's.
    /// </summary>
    private async Task PortForwardAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var port = int.Parse(context.Request.Query["ports"].ToString(), CultureInfo.InvariantCulture);
        using var socket = await context.WebSockets.AcceptWebSocketAsync("v4.channel.k8s.io");
        foreach (byte channel in new byte[] { 0, 1 })
        {
            await socket.SendAsync(new byte[] { channel, (byte)(port & 0xff), (byte)(port >> 8) }, System.Net.WebSockets.WebSocketMessageType.Binary, true, ct);
        }
        if (PortForwardRefused)
        {
            var message = System.Text.Encoding.UTF8.GetBytes($"error forwarding port {port} to pod 0f3c9a1e, uid : failed to connect to localhost:{port} inside namespace 0f3c9a1e: connect: connection refused");
            await socket.SendAsync((byte[])[1, .. message], System.Net.WebSockets.WebSocketMessageType.Binary, true, ct);
            await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, ct);
            return;
        }
        using var pod = new System.Net.Sockets.TcpClient();
        await pod.ConnectAsync(System.Net.IPAddress.Loopback, Url.Port, ct);
        var stream = pod.GetStream();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var up = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            while (!done.IsCancellationRequested)
            {
                var received = await socket.ReceiveAsync(buffer, done.Token);
                if (received.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                {
                    return;
                }
                if (received.Count > 1 && buffer[0] == 0)
                {
                    await stream.WriteAsync(buffer.AsMemory(1, received.Count - 1), done.Token);
                }
            }
        });
        var down = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(1, buffer.Length - 1), done.Token)) > 0)
            {
                buffer[0] = 0;
                await socket.SendAsync(buffer.AsMemory(0, read + 1), System.Net.WebSockets.WebSocketMessageType.Binary, true, done.Token);
            }
        });
        try
        {
            await Task.WhenAny(up, down);
        }
        finally
        {
            await done.CancelAsync();
            try
            {
                await Task.WhenAll(up, down);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.WebSockets.WebSocketException)
            {
                // The connection ended.
            }
        }
    }

    private (int Status, string Body) Api(string method, string path, string selector, string? contentType, string body, string fieldSelector)
    {
        const string deploymentPath = "/apis/apps/v1/namespaces/default/deployments/sales";
        lock (_lock)
        {
            if (LeasesApi(method, path, body) is { } lease)
            {
                return lease;
            }
            if (OtherDeploymentsApi(method, path, selector, body) is { } served)
            {
                return served;
            }
            if (ServicesApi(method, path) is { } services)
            {
                return services;
            }
            if (AutoscalersApi(method, path) is { } autoscalers)
            {
                return autoscalers;
            }
            var revision = Revision();
            var hash = Hash(revision);
            var podName = $"sales-{hash}-x2k8q";
            if (KubeletApi(method, path, podName) is { } kubelet)
            {
                return kubelet;
            }
            switch (method, path)
            {
                case ("GET", deploymentPath):
                    var read = WithStatus().ToJsonString();
                    AfterDeploymentRead();
                    return (200, read);
                case ("PATCH", deploymentPath) when ForbidPatch:
                    return (403, Status(403, "deployments.apps \"sales\" is forbidden: User \"system:serviceaccount:default:headroom\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"default\""));
                case ("PATCH", deploymentPath):
                    if (contentType?.StartsWith("application/json-patch+json", StringComparison.Ordinal) != true)
                    {
                        return (415, Status(415, $"this fake takes JSON patches, not {contentType}"));
                    }
                    var before = _deployment["spec"]!["template"]!.ToJsonString();
                    try
                    {
                        var copy = _deployment.DeepClone();
                        JsonPatchDocument.Apply(copy, JsonNode.Parse(body)!.AsArray());
                        _deployment.Clear();
                        foreach (var (key, value) in copy.AsObject().ToList())
                        {
                            _deployment[key] = value?.DeepClone();
                        }
                    }
                    catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException or FormatException)
                    {
                        return (422, Status(422, e.Message));
                    }
                    BumpResourceVersion(_deployment);
                    if (_deployment["spec"]!["template"]!.ToJsonString() != before)
                    {
                        _deployment["metadata"]!["generation"] = _deployment["metadata"]!["generation"]!.GetValue<long>() + 1;
                        _deployment["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"] = (revision + 1).ToString(CultureInfo.InvariantCulture);
                        _rolloutReadsLeft = OomOnStart || Unschedulable ? int.MaxValue : RolloutReads;
                        _killed = OomOnStart;
                        _livenessKilled = false;
                        _evicted = false;
                        _work = 0;
                        TemplateChanged();
                    }
                    return (200, _deployment.ToJsonString());
                case ("GET", "/apis/apps/v1/namespaces/default/replicasets"):
                    var set = ReplicaSet(hash, revision);
                    return (200, List("ReplicaSetList", FakeSelectors.Matches(set["metadata"]!["labels"], selector) ? [set] : []));
                case ("GET", "/api/v1/namespaces/default/pods"):
                    var listed = Pod(hash);
                    return (200, List("PodList", PodExists && FakeSelectors.Matches(listed["metadata"]!["labels"], selector) ? [listed] : []));
                case ("GET", _) when path == $"/api/v1/namespaces/default/pods/{podName}" && !PodExists:
                    return (404, Status(404, $"pods \"{podName}\" not found"));
                case ("GET", _) when path == $"/api/v1/namespaces/default/pods/{podName}":
                    return (200, Pod(hash).ToJsonString());
                case ("GET", _) when path == $"/api/v1/namespaces/default/pods/{podName}/log":
                    return (200, "sales-api: listening on :3000\n");
                case ("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods") when !MetricsServed:
                    return (404, Status(404, "the server could not find the requested resource"));
                case ("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods"):
                    return (200, PodMetrics(podName, selector == $"pod-template-hash={hash}"));
                case ("GET", "/api/v1/namespaces/default/events"):
                    return (200, Events(podName, fieldSelector));
                default:
                    return (404, Status(404, $"{method} {path} is not served"));
            }
        }
    }

    private JsonObject WithStatus()
    {
        var copy = _deployment.DeepClone().AsObject();
        var generation = copy["metadata"]!["generation"]!.GetValue<long>();
        var status = copy["status"]!.AsObject();
        if (_rolloutReadsLeft > 0)
        {
            // As kubectl rollout status sees it mid-way: the new ReplicaSet's pod is not available yet.
            _rolloutReadsLeft--;
            status["observedGeneration"] = generation;
            status["replicas"] = 2;
            status["updatedReplicas"] = 1;
            status["availableReplicas"] = 1;
            status["unavailableReplicas"] = 1;
        }
        else
        {
            status["observedGeneration"] = generation;
        }
        return copy;
    }

    private JsonObject Pod(string hash)
    {
        var pod = Recorded("pod.json");
        pod["metadata"]!["name"] = $"sales-{hash}-x2k8q";
        pod["metadata"]!["labels"]!["pod-template-hash"] = hash;
        pod["metadata"]!["ownerReferences"]![0]!["name"] = $"sales-{hash}";
        if (_killed)
        {
            pod["status"]!["containerStatuses"] = new JsonArray(Recorded("container-status-oomkilled.json"));
        }
        if (_livenessKilled)
        {
            // The kubelet's kill after a failed liveness probe: SIGTERM, then SIGKILL after the grace period; reason Error.
            var status = Recorded("container-status-oomkilled.json");
            status["lastState"]!["terminated"]!["reason"] = "Error";
            pod["status"]!["containerStatuses"] = new JsonArray(status);
        }
        if (_evicted)
        {
            // As the kubelet leaves an evicted pod: Failed, reason Evicted, its container killed.
            pod["status"] = Recorded("pod-status-evicted.json");
        }
        if (Unschedulable)
        {
            pod["spec"]!.AsObject().Remove("nodeName");
            pod["status"] = Recorded("pod-status-unschedulable.json");
        }
        return Admitted(pod);
    }

    /// <summary>
    /// metrics-server's answer: the pod's working set, growing with the work done, in a new window each read; no
    /// item for a pod whose container is not running.
    /// </summary>
    private string PodMetrics(string podName, bool matches)
    {
        var items = new List<JsonObject>();
        if (matches && !_killed && !_evicted && !Unschedulable)
        {
            var bytes = 30L * 1024 * 1024 + Math.Min(_work, 400) * 32L * 1024;
            _workingSets.Add(bytes);
            items.Add(new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = podName, ["namespace"] = "default", ["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) },
                ["timestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                ["window"] = "15.012s",
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "sales-api",
                    ["usage"] = new JsonObject { ["cpu"] = "12873911n", ["memory"] = $"{(bytes / 1024).ToString(CultureInfo.InvariantCulture)}Ki" },
                }),
            });
        }
        return new JsonObject { ["kind"] = "PodMetricsList", ["apiVersion"] = "metrics.k8s.io/v1beta1", ["metadata"] = new JsonObject(), ["items"] = new JsonArray([.. items]) }.ToJsonString();
    }

    /// <summary>The recorded events of the pod's story so far, renamed to the current pod; only what the field selector asks for.</summary>
    private string Events(string podName, string fieldSelector)
    {
        var events = new List<JsonObject>();
        if (fieldSelector == "involvedObject.kind=Node,involvedObject.name=kind-control-plane,reason=SystemOOM")
        {
            return List("EventList", NodeOom && _killed ? [SystemOomEvent()] : []);
        }
        if (fieldSelector == $"involvedObject.kind=Pod,involvedObject.name={podName}")
        {
            if (Unschedulable)
            {
                events.Add(Recorded("event-failedscheduling.json"));
            }
            else
            {
                events.AddRange(Recorded("events.json")["items"]!.AsArray().Select(e => e!.DeepClone().AsObject()));
                if (OomOnStart)
                {
                    events.Add(Recorded("event-backoff.json"));
                }
                if (_evicted)
                {
                    events.Add(Recorded("event-evicted.json"));
                }
                if (_livenessKilled)
                {
                    events.AddRange(LivenessEvents());
                }
            }
        }
        foreach (var e in events)
        {
            e["involvedObject"]!["name"] = podName;
            e["metadata"]!["name"] = $"{podName}.{e["metadata"]!["name"]!.GetValue<string>().Split('.')[1]}";
        }
        return List("EventList", [.. events]);
    }

    /// <summary>The text of a file in the fake container's memory cgroup, as <c>cat</c> prints it; null: no such file.</summary>
    internal string? CgroupFile(string path)
    {
        lock (_lock)
        {
            if (_killed || _evicted || Unschedulable)
            {
                return null;
            }
            var usage = 20L * 1024 * 1024 + Math.Min(_work, 400) * 64L * 1024;
            string Recorded(string folder, string name) =>
                File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cgroups", "Recorded", folder, name));
            return (CgroupVersion, path) switch
            {
                (2, "/sys/fs/cgroup/memory.current") => $"{usage.ToString(CultureInfo.InvariantCulture)}\n",
                (2, "/sys/fs/cgroup/memory.peak") => $"{Math.Max(CgroupPeakBytes, usage).ToString(CultureInfo.InvariantCulture)}\n",
                (2, "/sys/fs/cgroup/memory.stat") => Recorded("v2-no-peak", "memory.stat"),
                (2, "/sys/fs/cgroup/memory.events") => MemoryEvents(),
                (1, _) when path.StartsWith("/sys/fs/cgroup/memory/", StringComparison.Ordinal)
                    && File.Exists(Path.Combine(AppContext.BaseDirectory, "Cgroups", "Recorded", "v1-alive-64mib", path["/sys/fs/cgroup/memory/".Length..])) =>
                    Recorded("v1-alive-64mib", path["/sys/fs/cgroup/memory/".Length..]),
                _ => null,
            };
        }
    }

    /// <summary>Whether the container can be exec'd into now (it is running).</summary>
    internal bool ContainerRunning
    {
        get
        {
            lock (_lock)
            {
                return !_killed && !_evicted && !Unschedulable;
            }
        }
    }

    internal static string StatusJson(int code, string message) => Status(code, message);

    private long CurrentLimit()
    {
        var memory = _deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]?["limits"]?["memory"]?.GetValue<string>();
        return memory is null ? long.MaxValue : new k8s.Models.ResourceQuantity(memory).ToInt64();
    }

    private int Revision() => int.Parse(_deployment["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    private static string Hash(int revision) => revision == 1 ? "7d9c8b6f5" : $"5c4d{revision}f8b9";

    private static string List(string kind, JsonObject[] items) =>
        new JsonObject { ["kind"] = kind, ["apiVersion"] = "v1", ["metadata"] = new JsonObject { ["resourceVersion"] = "1900" }, ["items"] = new JsonArray(items) }.ToJsonString();

    private static string Status(int code, string message) =>
        new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["message"] = message, ["code"] = code }.ToJsonString();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
