using Headroom.Runners.Kubernetes;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// Credentials that expire mid-study: a kubeconfig whose user is an exec plugin (as EKS, GKE and OIDC logins are), the
/// fake API server refusing a token once it is revoked (401 <c>Unauthorized</c>, see <see cref="FakeApiServer.RequiredToken"/>).
/// The plugin's output is the ExecCredential of <c>client.authentication.k8s.io/v1beta1</c> (KEP-541; client-go's
/// <c>pkg/apis/clientauthentication</c>): <c>status.token</c>, here without an <c>expirationTimestamp</c>, so the client
/// has no reason of its own to run the plugin again.
/// </summary>
public sealed class K8sCredentialsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("headroom-credentials-");

    private string TokenFile => Path.Combine(_folder.FullName, "token");

    private string Kubeconfig(Uri server)
    {
        var plugin = Path.Combine(_folder.FullName, "login.sh");
        File.WriteAllText(plugin, $$$"""
            printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat {{{TokenFile}}})"
            """);
        var path = Path.Combine(_folder.FullName, "config");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {server.ToString().TrimEnd('/')}
            users:
            - name: sso
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: /bin/sh
                  args: ["{plugin}"]
            contexts:
            - name: fake
              context:
                cluster: fake
                user: sso
                namespace: default
            current-context: fake
            """);
        return path;
    }

    [Fact]
    public async Task TokenRevokedMidTrial_IsRefreshedFromTheKubeconfig_AndTheTrialCompletes_ASecondRefusalIsOneLine()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        File.WriteAllText(TokenFile, "token-1");
        fake.RequiredToken = "token-1";
        var connection = KubeConnection.Open(null, null, Kubeconfig(fake.Url), "/nonexistent/.kube/config");
        // Mid-load the login's token is revoked and the plugin would now print a new one.
        fake.OnWork = n =>
        {
            if (n == 3)
            {
                File.WriteAllText(TokenFile, "token-2");
                fake.RequiredToken = "token-2";
            }
        };
        var load = HeyLoad.Parse($"-c 1 -n 10 {fake.Url}app/work");
        await using (var executor = new K8sTrialExecutor(connection, new DeploymentTarget("sales", "sales-api"), load, fake.FastOptions()))
        {
            var result = await executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("64Mi", "--limit"), KnobPresets.Get("go")), null, ct);

            Assert.Equal(TrialOutcome.Survived, result.Outcome);
            Assert.Equal(10, result.Load!.Succeeded);
            Assert.Equal(["token-1", "token-2"], fake.TokensSeen);
            Assert.InRange(fake.Unauthorized, 1, 3);

            // Revoked again, and the kubeconfig's plugin now prints a token the server refuses too: one line.
            fake.OnWork = null;
            File.WriteAllText(TokenFile, "token-3");
            fake.RequiredToken = "token-4";
            var error = await Assert.ThrowsAsync<UserInputException>(() =>
                executor.RunAsync(new TrialRequest(MemoryQuantity.Parse("48Mi", "--limit"), KnobSet.None), null, ct));
            Assert.Contains("did not accept the credentials (401 on GET /apis/apps/v1/namespaces/default/deployments/sales), also after reading the kubeconfig again: credentials expired?",
                error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
            Assert.Equal(["token-1", "token-2", "token-3"], fake.TokensSeen);

            // The API server takes the plugin's latest token (logged in again): the restore at the end goes through.
            fake.RequiredToken = "token-3";
        }

        Assert.False(fake.Deployment["metadata"]!["annotations"]!.AsObject().ContainsKey(SavedOriginal.Annotation));
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
