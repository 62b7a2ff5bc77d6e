using Headroom.Runners.Kubernetes;
using k8s;

namespace Headroom.Tests.Kubernetes;

/// <summary>Finding the cluster as kubectl does: KUBECONFIG's files merged, --context and --namespace, and the one-line errors.</summary>
public sealed class KubeConnectionTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("headroom-kubeconfig-");

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private static string Config(string name, Uri server, string? currentContext, string ns = "default") => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {name}
          cluster:
            server: {server.ToString().TrimEnd('/')}
        users:
        - name: {name}
          user:
            token: not-checked
        contexts:
        - name: {name}
          context:
            cluster: {name}
            user: {name}
            namespace: {ns}
        {(currentContext is null ? "" : $"current-context: {currentContext}")}
        """;

    [Fact]
    public async Task TwoFilesInKubeconfig_TheFirstFilesCurrentContext_NamesTheSecondFilesCluster()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await FakeApiServer.StartAsync(ct);
        await using var second = await FakeApiServer.StartAsync(ct);
        // As kubectl merges: current-context comes from the first file that sets it, here naming a context that only
        // the second file defines.
        var a = Write("a.yaml", Config("alpha", first.Url, currentContext: "beta"));
        var b = Write("b.yaml", Config("beta", second.Url, currentContext: "alpha", ns: "default"));

        using var connection = KubeConnection.Open(null, null, $"{a}:{b}", "/nonexistent/.kube/config");
        await connection.Client.AppsV1.ReadNamespacedDeploymentAsync("sales", connection.Namespace, cancellationToken: ct);

        Assert.Equal($"{second.Url.ToString().TrimEnd('/')} (context beta, namespace default)", connection.Where);
        Assert.Single(second.Requests);
        Assert.Empty(first.Requests);
    }

    [Fact]
    public async Task ContextFlag_PicksTheOtherFilesContext_AndNamespaceFlagOverridesItsNamespace()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await FakeApiServer.StartAsync(ct);
        await using var second = await FakeApiServer.StartAsync(ct);
        var a = Write("a.yaml", Config("alpha", first.Url, currentContext: "beta", ns: "team-a"));
        var b = Write("b.yaml", Config("beta", second.Url, currentContext: null));

        using var withContext = KubeConnection.Open("alpha", null, $"{a}:{b}", "/nonexistent/.kube/config");
        using var withNamespace = KubeConnection.Open("alpha", "default", $"{a}:{b}", "/nonexistent/.kube/config");
        await withNamespace.Client.AppsV1.ReadNamespacedDeploymentAsync("sales", withNamespace.Namespace, cancellationToken: ct);

        Assert.Equal("team-a", withContext.Namespace);
        Assert.Equal($"{first.Url.ToString().TrimEnd('/')} (context alpha, namespace default)", withNamespace.Where);
        Assert.Single(first.Requests);
        Assert.Empty(second.Requests);
    }

    [Fact]
    public async Task NoKubeconfigVariable_UsesTheDefaultFile()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        var home = Write("config", Config("kind-kind", fake.Url, currentContext: "kind-kind"));

        using var connection = KubeConnection.Open(null, null, null, home);

        Assert.StartsWith($"{fake.Url.ToString().TrimEnd('/')} (context kind-kind", connection.Where, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownContext_IsOneLine_ListingTheContexts()
    {
        var a = Write("a.yaml", Config("alpha", new Uri("http://127.0.0.1:1"), currentContext: "alpha"));
        var b = Write("b.yaml", Config("beta", new Uri("http://127.0.0.1:2"), currentContext: null));

        var error = Assert.Throws<UserInputException>(() => KubeConnection.Open("gamma", null, $"{a}:{b}", "/nonexistent"));

        Assert.Equal($"--context 'gamma' is not in the kubeconfigs {a}, {b}; its contexts: alpha, beta", error.Message);
    }

    [Fact]
    public void KubeconfigNamingNoFile_IsOneLine()
    {
        var missing = Path.Combine(_folder.FullName, "missing.yaml");

        var error = Assert.Throws<UserInputException>(() => KubeConnection.Open(null, null, missing, "/nonexistent"));

        Assert.Equal($"KUBECONFIG names no file that exists ({missing}); fix it, or unset it to use ~/.kube/config", error.Message);
    }

    [Fact]
    public void MissingFilesInKubeconfig_AreSkipped_AsKubectlDoes()
    {
        var a = Write("a.yaml", Config("alpha", new Uri("http://127.0.0.1:1"), currentContext: "alpha"));

        using var connection = KubeConnection.Open(null, null, $"{Path.Combine(_folder.FullName, "gone.yaml")}:{a}", "/nonexistent");

        Assert.Equal("http://127.0.0.1:1 (context alpha, namespace default)", connection.Where);
    }

    [Fact]
    public void NotAKubeconfig_IsOneLine_NamingTheFile()
    {
        var bad = Write("bad.yaml", "clusters: [ {name: x\n  - : ]]\n");

        var error = Assert.Throws<UserInputException>(() => KubeConnection.Open(null, null, bad, "/nonexistent"));

        Assert.StartsWith($"the kubeconfig {bad} is not a valid kubeconfig: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void NoCurrentContext_AndNoFlag_IsOneLine()
    {
        var a = Write("a.yaml", Config("alpha", new Uri("http://127.0.0.1:1"), currentContext: null));

        var error = Assert.Throws<UserInputException>(() => KubeConnection.Open(null, null, a, "/nonexistent"));

        Assert.Equal($"the kubeconfig {a} sets no current-context; pass --context (its contexts: alpha)", error.Message);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
