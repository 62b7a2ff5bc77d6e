using k8s;
using k8s.Autorest;
using k8s.KubeConfigModels;

namespace Headroom.Runners.Kubernetes;

/// <summary>A client for the cluster and the namespace trials run in.</summary>
public sealed record KubeConnection(IKubernetes Client, string Namespace, string Where) : IDisposable
{
    /// <summary>The kubeconfig context (null: in-cluster, or a test's client), for the commands Headroom prints.</summary>
    public string? Context { get; init; }

    /// <summary>The command that restores <paramref name="deployment"/> from another shell: <c>headroom k8s restore deployment/NAME --namespace NS --context C</c>.</summary>
    public string RestoreCommand(string deployment) =>
        $"headroom k8s restore deployment/{deployment} --namespace {Namespace}{(Context is null ? "" : $" --context {Context}")}";

    /// <summary>
    /// Finds the configuration as kubectl does: the files of <c>KUBECONFIG</c> (separated by ':') merged, the first to
    /// set a value winning; else <c>~/.kube/config</c>; else the pod's service account when running in a cluster.
    /// <paramref name="context"/> and <paramref name="namespaceName"/> override the current context and its namespace.
    /// </summary>
    public static KubeConnection Open(string? context, string? namespaceName) =>
        Open(context, namespaceName, System.Environment.GetEnvironmentVariable("KUBECONFIG"), KubernetesClientConfiguration.KubeConfigDefaultLocation);

    /// <summary>As <see cref="Open(string?, string?)"/>, with the value of <c>KUBECONFIG</c> and the default file given.</summary>
    public static KubeConnection Open(string? context, string? namespaceName, string? kubeconfigVariable, string defaultFile)
    {
        var config = Configuration(context, kubeconfigVariable, defaultFile);
        var ns = namespaceName ?? config.Namespace ?? "default";
        var where = $"{config.Host} (context {config.CurrentContext ?? "in-cluster"}, namespace {ns})";
        // After a 401 the same context is read again from the same files, for fresh credentials.
        var fresh = new FreshCredentialsHandler(() => Configuration(config.CurrentContext ?? context, kubeconfigVariable, defaultFile));
        return new KubeConnection(ClientFor(config, fresh: fresh), ns, where) { Context = config.CurrentContext };
    }

    /// <summary>
    /// A client whose requests the API server refuses for a moment (429, 5xx, a reset connection) are sent again (see
    /// <see cref="RetryingHandler"/>), and, with <paramref name="fresh"/>, once more with fresh credentials after a 401.
    /// </summary>
    public static IKubernetes ClientFor(KubernetesClientConfiguration config, RetryingHandler? retrying = null, FreshCredentialsHandler? fresh = null) =>
        fresh is null
            ? new k8s.Kubernetes(config, retrying ?? new RetryingHandler())
            : new k8s.Kubernetes(config, fresh, retrying ?? new RetryingHandler());

    private static KubernetesClientConfiguration Configuration(string? context, string? kubeconfigVariable, string defaultFile)
    {
        string[] files;
        if (!string.IsNullOrWhiteSpace(kubeconfigVariable))
        {
            var named = kubeconfigVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
            // kubectl skips the files of KUBECONFIG that do not exist, and does not fall back to ~/.kube/config.
            files = [.. named.Where(File.Exists)];
            if (files.Length == 0)
            {
                throw new UserInputException($"KUBECONFIG names no file that exists ({string.Join(Path.PathSeparator, named)}); fix it, or unset it to use ~/.kube/config");
            }
        }
        else if (File.Exists(defaultFile))
        {
            files = [defaultFile];
        }
        else if (KubernetesClientConfiguration.IsInCluster())
        {
            return context is null
                ? KubernetesClientConfiguration.InClusterConfig()
                : throw new UserInputException($"--context {context} was given but there is no kubeconfig here, only the in-cluster service account");
        }
        else
        {
            throw new UserInputException(
                "no Kubernetes configuration found: set KUBECONFIG, or write ~/.kube/config (kind create cluster does), or run inside a cluster");
        }
        var merged = Merge(files);
        var contexts = (merged.Contexts ?? []).Select(c => c.Name).ToArray();
        var wanted = context ?? merged.CurrentContext;
        var list = contexts.Length == 0 ? "none" : string.Join(", ", contexts);
        if (wanted is null)
        {
            throw new UserInputException($"{Describe(files)} sets no current-context; pass --context (its contexts: {list})");
        }
        if (!contexts.Contains(wanted, StringComparer.OrdinalIgnoreCase))
        {
            var flag = context is null ? "current-context" : "--context";
            throw new UserInputException($"{flag} '{wanted}' is not in {Describe(files)}; its contexts: {list}");
        }
        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, wanted);
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException or System.Security.Cryptography.CryptographicException or FormatException)
        {
            throw new UserInputException($"context '{wanted}' of {Describe(files)} could not be used: {e.Message}", e);
        }
    }

    /// <summary>
    /// Loads each file and merges them as kubectl does (first wins). The client's own merge is internal to it, and
    /// would resolve every file's relative certificate paths against the first file's folder; here each file's are
    /// made absolute against its own folder first.
    /// </summary>
    private static K8SConfiguration Merge(string[] files)
    {
        K8SConfiguration? merged = null;
        foreach (var file in files)
        {
            K8SConfiguration config;
            try
            {
                config = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(file), useRelativePaths: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"cannot read the kubeconfig {file}: {e.Message}", e);
            }
            catch (Exception e) when (e is YamlDotNet.Core.YamlException or k8s.Exceptions.KubeConfigException)
            {
                throw new UserInputException($"the kubeconfig {file} is not a valid kubeconfig: {FirstLine(e.Message)}", e);
            }
            if (config is null)
            {
                throw new UserInputException($"the kubeconfig {file} is empty");
            }
            Absolutize(config, Path.GetDirectoryName(Path.GetFullPath(file))!);
            if (merged is null)
            {
                merged = config;
                continue;
            }
            // kubectl's merge: the first file to set a value or name an entry wins.
            merged.CurrentContext ??= config.CurrentContext;
            merged.Clusters = [.. merged.Clusters, .. config.Clusters.Where(c => !merged.Clusters.Any(m => m.Name == c.Name))];
            merged.Users = [.. merged.Users, .. config.Users.Where(u => !merged.Users.Any(m => m.Name == u.Name))];
            merged.Contexts = [.. merged.Contexts, .. config.Contexts.Where(c => !merged.Contexts.Any(m => m.Name == c.Name))];
        }
        return merged!;
    }

    private static void Absolutize(K8SConfiguration config, string folder)
    {
        config.Clusters ??= [];
        config.Users ??= [];
        config.Contexts ??= [];
        config.Extensions ??= [];
        string? Full(string? path) => string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.Combine(folder, path);
        foreach (var cluster in config.Clusters.Where(c => c.ClusterEndpoint is not null))
        {
            cluster.ClusterEndpoint.CertificateAuthority = Full(cluster.ClusterEndpoint.CertificateAuthority);
        }
        foreach (var user in config.Users.Where(u => u.UserCredentials is not null))
        {
            user.UserCredentials.ClientCertificate = Full(user.UserCredentials.ClientCertificate);
            user.UserCredentials.ClientKey = Full(user.UserCredentials.ClientKey);
        }
    }

    private static string Describe(string[] files) => files.Length == 1 ? $"the kubeconfig {files[0]}" : $"the kubeconfigs {string.Join(", ", files)}";

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    public void Dispose() => Client.Dispose();

    /// <summary>True for the cluster's 403 and 401: the Role lacks a verb, or the credentials are refused.</summary>
    public static bool IsRefusal(HttpOperationException e) =>
        e.Response.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.Unauthorized;

    /// <summary>A 403 or 401 as one line: what was refused, and what to do about it.</summary>
    public UserInputException Refused(HttpOperationException e, string advice) => new(
        $"{Where} refused {e.Request.Method} {e.Request.RequestUri.AbsolutePath} ({(int)e.Response.StatusCode}); {advice}", e);

    /// <summary>
    /// Reads <c>deployment/NAME</c> as the API server's JSON, every field kept (the client's typed models drop fields
    /// they do not know, e.g. a newer API's). The generic object API reads any resource by group, version and plural:
    /// the same GET of <c>/apis/apps/v1/namespaces/NS/deployments/NAME</c>.
    /// </summary>
    public async Task<System.Text.Json.Nodes.JsonObject> ReadDeploymentJsonAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await Client.CustomObjects.GetNamespacedCustomObjectAsync<System.Text.Json.Nodes.JsonObject>(
                "apps", "v1", Namespace, "deployments", name, cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw NotFound(name, e);
        }
    }

    private UserInputException NotFound(string name, Exception e) =>
        new($"deployment/{name} is not in namespace {Namespace} at {Where}; check --namespace and --context", e);

    /// <summary>Reads <c>deployment/NAME</c>; a one-line <see cref="UserInputException"/> when it is not there.</summary>
    public async Task<k8s.Models.V1Deployment> ReadDeploymentAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await Client.AppsV1.ReadNamespacedDeploymentAsync(name, Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw NotFound(name, e);
        }
    }
}
