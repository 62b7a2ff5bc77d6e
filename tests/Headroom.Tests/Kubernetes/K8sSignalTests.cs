using System.Text.Json.Nodes;

namespace Headroom.Tests.Kubernetes;

/// <summary>
/// The CLI as its own process against the fake API server, stopped by a signal mid-trial: an SSH session that drops
/// sends SIGHUP to the processes of its terminal (the terminal's hangup, signal(7): "Hangup detected on controlling
/// terminal or death of controlling process"), whose default action ends the process at once, so without a handler
/// the patched Deployment would keep the trial's limit.
/// </summary>
public class K8sSignalTests
{
    [Fact]
    public async Task Sighup_MidTrial_RestoresTheDeployment_AndTheCliExits()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeApiServer.StartAsync(ct);
        var original = fake.Deployment;
        var working = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.OnWork = n =>
        {
            if (n >= 20)
            {
                working.TrySetResult();
            }
        };
        var folder = Directory.CreateTempSubdirectory("headroom-sighup-");
        try
        {
            var kubeconfig = Path.Combine(folder.FullName, "config");
            await fake.WriteKubeconfigAsync(kubeconfig, ct);
            var spec = new ProcessSpec("dotnet", [Path.Combine(AppContext.BaseDirectory, "Headroom.Cli.dll"),
                "run", "--runner", "k8s", "--deployment", "deployment/sales", "-c", "sales-api", "--limit", "64Mi", "--url", fake.Url.ToString(),
                "--ready", "http://127.0.0.1:3000/app/ready", "--load", "-c 1 -z 120s http://127.0.0.1:3000/app/work", "--out", Path.Combine(folder.FullName, "out")])
            {
                Environment = new Dictionary<string, string?> { ["KUBECONFIG"] = kubeconfig },
                StopSignal = StopSignal.Hangup,
                GracePeriod = TimeSpan.FromSeconds(30),
                Timeout = TimeSpan.FromMinutes(2),
            };
            await using var cli = ProcessRunner.Start(spec);
            await working.Task.WaitAsync(TimeSpan.FromSeconds(90), ct);
            Assert.NotEqual("128Mi", Container(fake.Deployment)["resources"]!["limits"]!["memory"]!.GetValue<string>());

            var result = await cli.StopAsync(ct);

            Assert.False(result.Killed, $"the CLI did not finish within 30 s of SIGHUP: {result.StandardError}");
            Assert.Equal(130, result.ExitCode);
            Assert.Contains("cancelled; restoring deployment/sales", result.StandardError, StringComparison.Ordinal);
            var restored = fake.Deployment;
            Assert.True(JsonNode.DeepEquals(original["spec"], restored["spec"]), $"spec differs from the original: {restored["spec"]}");
            Assert.True(JsonNode.DeepEquals(WithoutRevision(original), WithoutRevision(restored)), $"annotations differ: {restored["metadata"]!["annotations"]}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static JsonObject Container(JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();

    /// <summary>The Deployment's annotations but the revision, which the deployment controller moves on with each rollout.</summary>
    private static JsonObject WithoutRevision(JsonObject deployment)
    {
        var annotations = deployment["metadata"]!["annotations"]!.DeepClone().AsObject();
        annotations.Remove("deployment.kubernetes.io/revision");
        return annotations;
    }
}
