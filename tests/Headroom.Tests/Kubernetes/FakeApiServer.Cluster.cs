using System.Text.Json.Nodes;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// What a real cluster does to the <c>sales</c> Deployment beyond a clean rollout, each as the upstream code does it
/// (the file named at each): the API server's passing refusals, resourceVersions that move with every write, admission
/// that changes the pod, pods that cannot start, a ReplicaSet refused by a quota, a pod deleted mid-trial.
/// </summary>
internal sealed partial class FakeApiServer
{
    private readonly List<(string Method, string PathContains, int Status, int? RetryAfterSeconds, string Message)> _faults = [];
    private bool _deleted;
    private int _deletions;
    private int _statusWritesLeft;

    /// <summary>
    /// The next request of <paramref name="method"/> whose path contains <paramref name="pathContains"/> is answered
    /// <paramref name="status"/> (0: the connection is reset), with <c>Retry-After</c> when given; queued, one each.
    /// API Priority and Fairness answers 429 with Retry-After (apiserver <c>pkg/server/filters/priority-and-fairness.go</c>
    /// via <c>tooManyRequests</c>); an API server going away mid-upgrade answers 5xx or resets.
    /// </summary>
    public void FailNext(string method, string pathContains, int status, int? retryAfterSeconds = null, int times = 1)
    {
        lock (_lock)
        {
            for (var i = 0; i < times; i++)
            {
                _faults.Add((method, pathContains, status, retryAfterSeconds, status == 429 ? "Too many requests, please try again later." : "the server is currently unable to handle the request"));
            }
        }
    }

    /// <summary>
    /// The deployment controller writes the status after each read this many times (a new resourceVersion each), so
    /// a patch that tests the resourceVersion it read fails until the runner reads again.
    /// </summary>
    public int StatusWritesAfterRead
    {
        get => _statusWritesLeft;
        set => _statusWritesLeft = value;
    }

    /// <summary>
    /// A LimitRange's <c>default</c> memory limit in the namespace: the LimitRanger admission plugin gives it to a
    /// container with no memory limit, and the same as its request when it has none
    /// (<c>plugin/pkg/admission/limitranger/admission.go</c>, <c>defaultContainerResourceRequirements</c>; the
    /// defaultRequest defaults to the default, <c>pkg/apis/core/v1/defaults.go</c> <c>SetDefaults_LimitRangeItem</c>).
    /// </summary>
    public string? LimitRangeDefaultMemory { get; set; }

    /// <summary>
    /// The new pod's container waits for this reason and never becomes ready: <c>CrashLoopBackOff</c> (with its last
    /// run terminated, exit 1) or <c>ImagePullBackOff</c> (the kubelet's reasons, <c>pkg/kubelet/images/types.go</c>,
    /// <c>pkg/kubelet/kuberuntime/kuberuntime_container.go</c>).
    /// </summary>
    public string? WaitingReason { get; set; }

    /// <summary>
    /// A ResourceQuota refuses the new ReplicaSet's pods: no pod is made, the ReplicaSet has the condition
    /// ReplicaFailure/FailedCreate with the API server's message (<c>pkg/controller/replicaset/replica_set_utils.go</c>
    /// <c>calculateStatus</c>), which the deployment controller copies to the Deployment.
    /// </summary>
    public string? QuotaExceeded { get; set; }

    /// <summary>The container was OOM-killed once while starting, then came up and became ready (restartCount 1).</summary>
    public bool OomBeforeReady { get; set; }

    /// <summary>The pod is deleted (a drain, a scale-down) after this many requests to <c>/app/work</c>, at most <see cref="DeletePodTimes"/> times.</summary>
    public int? DeletePodAfterRequests { get; set; }

    public int DeletePodTimes { get; set; } = 1;

    /// <summary>The Deployment's selector is <c>matchExpressions</c> only (app In [sales]), as Helm charts sometimes write it.</summary>
    public void UseMatchExpressions()
    {
        lock (_lock)
        {
            _deployment["spec"]!["selector"] = new JsonObject
            {
                ["matchExpressions"] = new JsonArray(new JsonObject { ["key"] = "app", ["operator"] = "In", ["values"] = new JsonArray("sales") }),
            };
        }
    }

    /// <summary>Changes the Deployment as a person or a controller would (called under no lock).</summary>
    public void Edit(Action<JsonObject> edit)
    {
        lock (_lock)
        {
            edit(_deployment);
            BumpResourceVersion(_deployment);
        }
    }

    private bool PodExists => !_deleted && QuotaExceeded is null;

    private (int Status, int? RetryAfterSeconds, string Message)? Fault(string method, string path, bool watch)
    {
        _ = watch;
        lock (_lock)
        {
            var at = _faults.FindIndex(f => f.Method == method && path.Contains(f.PathContains, StringComparison.Ordinal));
            if (at < 0)
            {
                return null;
            }
            var fault = _faults[at];
            _faults.RemoveAt(at);
            return (fault.Status, fault.RetryAfterSeconds, fault.Message);
        }
    }

    /// <summary>Every write to an object gives it a new resourceVersion (etcd's revision).</summary>
    private static void BumpResourceVersion(JsonObject obj)
    {
        var metadata = obj["metadata"]!.AsObject();
        var version = long.Parse(metadata["resourceVersion"]?.GetValue<string>() ?? "1", CultureInfo.InvariantCulture);
        metadata["resourceVersion"] = (version + 1).ToString(CultureInfo.InvariantCulture);
    }

    private void AfterDeploymentRead()
    {
        if (_statusWritesLeft > 0)
        {
            _statusWritesLeft--;
            BumpResourceVersion(_deployment);
        }
    }

    /// <summary>A new pod template: a new ReplicaSet and pod, with none of the old pod's story.</summary>
    private void TemplateChanged()
    {
        _deleted = false;
        if (WaitingReason is not null || QuotaExceeded is not null)
        {
            _rolloutReadsLeft = int.MaxValue;
        }
    }

    private JsonObject ReplicaSet(string hash, int revision)
    {
        var set = Recorded("replicaset.json");
        set["metadata"]!["name"] = $"sales-{hash}";
        set["metadata"]!["labels"]!["pod-template-hash"] = hash;
        set["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"] = revision.ToString(CultureInfo.InvariantCulture);
        set["spec"]!["selector"]!["matchLabels"]!["pod-template-hash"] = hash;
        if (_deployment["spec"]!["selector"]!["matchExpressions"] is JsonArray expressions)
        {
            set["spec"]!["selector"] = new JsonObject
            {
                ["matchLabels"] = new JsonObject { ["pod-template-hash"] = hash },
                ["matchExpressions"] = expressions.DeepClone(),
            };
        }
        if (QuotaExceeded is not null)
        {
            set["status"] = new JsonObject
            {
                ["replicas"] = 0,
                ["observedGeneration"] = 1,
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "ReplicaFailure",
                    ["status"] = "True",
                    ["reason"] = "FailedCreate",
                    ["message"] = QuotaExceeded,
                    ["lastTransitionTime"] = "2026-11-20T09:30:00Z",
                }),
            };
        }
        return set;
    }

    /// <summary>
    /// The pod as the API server admitted it: the template's containers (as the ReplicaSet controller copies them), a
    /// LimitRange's default where a limit is missing, and the kubelet's view of a container that cannot start.
    /// </summary>
    private JsonObject Admitted(JsonObject pod)
    {
        var containers = _deployment["spec"]!["template"]!["spec"]!["containers"]!.DeepClone().AsArray();
        if (LimitRangeDefaultMemory is { } memory)
        {
            foreach (var container in containers.OfType<JsonObject>())
            {
                var resources = container["resources"] as JsonObject ?? (JsonObject)(container["resources"] = new JsonObject());
                var limits = resources["limits"] as JsonObject ?? (JsonObject)(resources["limits"] = new JsonObject());
                var requests = resources["requests"] as JsonObject ?? (JsonObject)(resources["requests"] = new JsonObject());
                if (limits["memory"] is null)
                {
                    limits["memory"] = memory;
                }
                if (requests["memory"] is null)
                {
                    requests["memory"] = memory;
                }
            }
        }
        pod["spec"]!["containers"] = containers;
        var status = pod["status"]!["containerStatuses"]?[0] as JsonObject;
        if (WaitingReason is { } reason && status is not null)
        {
            status["ready"] = false;
            status["started"] = false;
            status["state"] = new JsonObject
            {
                ["waiting"] = new JsonObject
                {
                    ["reason"] = reason,
                    ["message"] = reason == "CrashLoopBackOff"
                        ? "back-off 40s restarting failed container=sales-api pod=" + pod["metadata"]!["name"]!.GetValue<string>()
                        : "Back-off pulling image \"sales-api:does-not-exist\"",
                },
            };
            if (reason == "CrashLoopBackOff")
            {
                status["restartCount"] = 3;
                status["lastState"] = new JsonObject
                {
                    ["terminated"] = new JsonObject { ["exitCode"] = 1, ["reason"] = "Error", ["startedAt"] = "2026-11-20T09:21:10Z", ["finishedAt"] = "2026-11-20T09:21:11Z" },
                };
            }
            pod["status"]!["phase"] = "Pending";
            pod["status"]!["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "False" });
        }
        else if (OomBeforeReady && !_killed && status is not null)
        {
            var oomKilled = Recorded("container-status-oomkilled.json");
            oomKilled["ready"] = true;
            pod["status"]!["containerStatuses"] = new JsonArray(oomKilled);
        }
        return pod;
    }
}

/// <summary>
/// Label selectors as the API server parses them (<c>staging/src/k8s.io/apimachinery/pkg/labels/selector.go</c>):
/// terms joined by commas outside parentheses; <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>,
/// <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c>.
/// </summary>
internal static class FakeSelectors
{
    public static bool Matches(JsonNode? labels, string selector) => selector.Trim().Length == 0 || Terms(selector).All(term => MatchesTerm(labels, term));

    private static bool MatchesTerm(JsonNode? labels, string term)
    {
        string? Label(string key) => labels?[key.Trim()]?.GetValue<string>();
        if (term.Contains(" notin ", StringComparison.Ordinal))
        {
            var (key, values) = Set(term, " notin ");
            return Label(key) is not { } v || !values.Contains(v);
        }
        if (term.Contains(" in ", StringComparison.Ordinal))
        {
            var (key, values) = Set(term, " in ");
            return Label(key) is { } v && values.Contains(v);
        }
        if (term.Contains("!=", StringComparison.Ordinal))
        {
            var parts = term.Split("!=", 2);
            return Label(parts[0]) != parts[1].Trim();
        }
        if (term.Contains('=', StringComparison.Ordinal))
        {
            var parts = term.Split('=', 2);
            return Label(parts[0]) == parts[1].TrimStart('=').Trim();
        }
        return term.StartsWith('!') ? Label(term[1..]) is null : Label(term) is not null;
    }

    private static (string Key, HashSet<string> Values) Set(string term, string op)
    {
        var parts = term.Split(op, 2);
        var values = parts[1].Trim().TrimStart('(').TrimEnd(')').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return (parts[0].Trim(), [.. values]);
    }

    private static IEnumerable<string> Terms(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            depth += selector[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (selector[i] == ',' && depth == 0)
            {
                yield return selector[start..i];
                start = i + 1;
            }
        }
        yield return selector[start..];
    }
}
