using System.Text.Json.Nodes;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// Deployments other than the recorded <c>sales</c> (the clones <c>--parallel</c> makes): created by POST as the API
/// server does (uid, generation 1, revision 1), listed by label selector, read, JSON-patched (a template change bumps
/// the generation and revision and the rollout takes <see cref="RolloutReads"/> reads), deleted; each with its current
/// ReplicaSet and one pod, found by the deployment's own selector as the runner looks for them.
/// </summary>
internal sealed partial class FakeApiServer
{
    private const string DeploymentsPath = "/apis/apps/v1/namespaces/default/deployments";
    private readonly Dictionary<string, (JsonObject Deployment, int RolloutReadsLeft)> _others = [];
    private int _created;

    /// <summary>The deployments that exist besides <c>sales</c>, by name.</summary>
    public IReadOnlyDictionary<string, JsonObject> OtherDeployments
    {
        get
        {
            lock (_lock)
            {
                return _others.ToDictionary(o => o.Key, o => o.Value.Deployment.DeepClone().AsObject());
            }
        }
    }

    /// <summary>Every deployment ever created here, in order, as it was sent.</summary>
    public IReadOnlyList<JsonObject> Created => [.. Requests.Where(r => r.Method == "POST" && r.Path == DeploymentsPath).Select(r => JsonNode.Parse(r.Body)!.AsObject())];

    /// <summary>Puts a deployment in place as a killed run would have left it (for the stale sweep).</summary>
    public void AddDeployment(JsonObject deployment)
    {
        lock (_lock)
        {
            Create(deployment);
        }
    }

    /// <summary>Served here, or null for the recorded <c>sales</c> objects. Called under the lock.</summary>
    private (int Status, string Body)? OtherDeploymentsApi(string method, string path, string selector, string body)
    {
        if (path == DeploymentsPath)
        {
            return method switch
            {
                "GET" => (200, List("DeploymentList", [.. _others.Values.Select(o => o.Deployment).Where(d => Matches(d["metadata"]!["labels"], selector)).Select(d => d.DeepClone().AsObject())])),
                "POST" => Create(JsonNode.Parse(body)!.AsObject()),
                _ => (405, Status(405, $"{method} {path}")),
            };
        }
        if (path.StartsWith(DeploymentsPath + "/", StringComparison.Ordinal))
        {
            var name = path[(DeploymentsPath.Length + 1)..];
            if (name == "sales")
            {
                return null;
            }
            if (!_others.TryGetValue(name, out var other))
            {
                return (404, Status(404, $"deployments.apps \"{name}\" not found"));
            }
            switch (method)
            {
                case "GET":
                    var read = other.Deployment.DeepClone().AsObject();
                    var generation = read["metadata"]!["generation"]!.GetValue<long>();
                    var done = other.RolloutReadsLeft <= 0;
                    read["status"] = new JsonObject
                    {
                        ["observedGeneration"] = generation,
                        ["replicas"] = done ? 1 : 2,
                        ["updatedReplicas"] = 1,
                        ["readyReplicas"] = 1,
                        ["availableReplicas"] = done ? 1 : 0,
                    };
                    _others[name] = (other.Deployment, other.RolloutReadsLeft - 1);
                    return (200, read.ToJsonString());
                case "PATCH":
                    var before = other.Deployment["spec"]!["template"]!.ToJsonString();
                    var copy = other.Deployment.DeepClone();
                    try
                    {
                        JsonPatchDocument.Apply(copy, JsonNode.Parse(body)!.AsArray());
                    }
                    catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException or FormatException)
                    {
                        return (422, Status(422, e.Message));
                    }
                    var patched = copy.AsObject();
                    var reads = other.RolloutReadsLeft;
                    if (patched["spec"]!["template"]!.ToJsonString() != before)
                    {
                        patched["metadata"]!["generation"] = patched["metadata"]!["generation"]!.GetValue<long>() + 1;
                        patched["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"] = (RevisionOf(patched) + 1).ToString(CultureInfo.InvariantCulture);
                        reads = RolloutReads;
                    }
                    _others[name] = (patched, reads);
                    return (200, patched.ToJsonString());
                case "DELETE":
                    _others.Remove(name);
                    return (200, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Success", ["code"] = 200 }.ToJsonString());
                default:
                    return (405, Status(405, $"{method} {path}"));
            }
        }
        foreach (var (name, other) in _others)
        {
            var matchLabels = other.Deployment["spec"]!["selector"]!["matchLabels"]!.AsObject();
            var own = string.Join(',', matchLabels.Select(l => $"{l.Key}={l.Value!.GetValue<string>()}"));
            var hash = Hash(RevisionOf(other.Deployment));
            var pod = $"{name}-{hash}-x2k8q";
            switch (method, path)
            {
                case ("GET", "/apis/apps/v1/namespaces/default/replicasets") when selector == own:
                    var set = Recorded("replicaset.json");
                    set["metadata"]!["name"] = $"{name}-{hash}";
                    set["metadata"]!["labels"] = Labels(matchLabels, hash);
                    set["spec"]!["selector"] = new JsonObject { ["matchLabels"] = Labels(matchLabels, hash) };
                    set["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"] = RevisionOf(other.Deployment).ToString(CultureInfo.InvariantCulture);
                    set["metadata"]!["ownerReferences"]![0]!["name"] = name;
                    set["metadata"]!["ownerReferences"]![0]!["uid"] = other.Deployment["metadata"]!["uid"]!.DeepClone();
                    return (200, List("ReplicaSetList", [set]));
                case ("GET", "/api/v1/namespaces/default/pods") when selector == $"{own},pod-template-hash={hash}":
                    return (200, List("PodList", [OtherPod(pod, matchLabels, hash, other.Deployment)]));
                case ("GET", _) when path == $"/api/v1/namespaces/default/pods/{pod}":
                    return (200, OtherPod(pod, matchLabels, hash, other.Deployment).ToJsonString());
                case ("GET", _) when path == $"/api/v1/namespaces/default/pods/{pod}/log":
                    return (200, "sales-api: listening on :3000\n");
            }
        }
        return null;
    }

    private (int, string) Create(JsonObject deployment)
    {
        var name = deployment["metadata"]!["name"]!.GetValue<string>();
        if (name == "sales" || _others.ContainsKey(name))
        {
            return (409, Status(409, $"deployments.apps \"{name}\" already exists"));
        }
        var stored = deployment.DeepClone().AsObject();
        var metadata = stored["metadata"]!.AsObject();
        metadata["uid"] = $"00000000-0000-4000-8000-{++_created:D12}";
        metadata["generation"] = 1L;
        metadata["annotations"] = new JsonObject { ["deployment.kubernetes.io/revision"] = "1" };
        metadata["namespace"] = "default";
        _others[name] = (stored, RolloutReads);
        return (201, stored.ToJsonString());
    }

    private static JsonObject OtherPod(string name, JsonObject matchLabels, string hash, JsonObject deployment)
    {
        var pod = Recorded("pod.json");
        pod["metadata"]!["name"] = name;
        pod["metadata"]!["labels"] = Labels(matchLabels, hash);
        // The ReplicaSet controller copies the template's containers into each pod.
        pod["spec"]!["containers"] = deployment["spec"]!["template"]!["spec"]!["containers"]!.DeepClone();
        return pod;
    }

    private static JsonObject Labels(JsonObject matchLabels, string hash)
    {
        var labels = matchLabels.DeepClone().AsObject();
        labels["pod-template-hash"] = hash;
        return labels;
    }

    private static int RevisionOf(JsonObject deployment) =>
        int.Parse(deployment["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    /// <summary>Equality-based label selectors (<c>a=b,c=d</c>), the only kind the runner sends.</summary>
    private static bool Matches(JsonNode? labels, string selector) =>
        selector.Length == 0 || selector.Split(',').All(term =>
        {
            var parts = term.Split('=', 2);
            return labels?[parts[0]]?.GetValue<string>() == parts[1];
        });
}
