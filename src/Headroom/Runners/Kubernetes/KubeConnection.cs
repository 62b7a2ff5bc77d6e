using k8s;

namespace Headroom.Runners.Kubernetes;

/// <summary>A client for the cluster and the namespace trials run in.</summary>
public sealed record KubeConnection(IKubernetes Client, string Namespace, string Where) : IDisposable
{
    /// <summary>
    /// Finds the configuration as kubectl does: the first file in <c>KUBECONFIG</c> that exists, else <c>~/.kube/config</c>,
    /// else the pod's service account when running in a cluster; <paramref name="context"/> and
    /// <paramref name="namespaceName"/> override the current context and its namespace.
    /// </summary>
    public static KubeConnection Open(string? context, string? namespaceName)
    {
        var config = Configuration(context);
        var ns = namespaceName ?? config.Namespace ?? "default";
        var where = $"{config.Host} (context {config.CurrentContext ?? "in-cluster"}, namespace {ns})";
        return new KubeConnection(new k8s.Kubernetes(config), ns, where);
    }

    private static KubernetesClientConfiguration Configuration(string? context)
    {
        var files = (System.Environment.GetEnvironmentVariable("KUBECONFIG") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(File.Exists)
            .Select(f => new FileInfo(f))
            .ToArray();
        if (files.Length == 0 && File.Exists(KubernetesClientConfiguration.KubeConfigDefaultLocation))
        {
            files = [new FileInfo(KubernetesClientConfiguration.KubeConfigDefaultLocation)];
        }
        try
        {
            if (files.Length > 0)
            {
                // The client merges several files only internally; the first one that exists is used, which is
                // kubectl's choice too when the current context is defined there.
                return KubernetesClientConfiguration.BuildConfigFromConfigFile(files[0], context);
            }
            if (KubernetesClientConfiguration.IsInCluster())
            {
                return context is null
                    ? KubernetesClientConfiguration.InClusterConfig()
                    : throw new UserInputException($"--context {context} was given but there is no kubeconfig here, only the in-cluster service account");
            }
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            throw new UserInputException($"the kubeconfig could not be used: {e.Message}; check KUBECONFIG and --context", e);
        }
        throw new UserInputException(
            "no Kubernetes configuration found: set KUBECONFIG, or write ~/.kube/config (kind create cluster does), or run inside a cluster");
    }

    public void Dispose() => Client.Dispose();
}
