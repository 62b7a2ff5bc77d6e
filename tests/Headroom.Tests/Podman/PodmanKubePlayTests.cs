using k8s;
using k8s.Models;

namespace Headroom.Tests.Podman;

/// <summary>
/// The Go overlays of deploy/k8s, rendered as <c>kubectl apply -k</c> would render them, run as a pod by
/// <c>podman kube play</c>: inside the container the kernel's memory limit is the manifest's, every env var has the
/// manifest's value (<c>GOMEMLIMIT</c> from <c>resourceFieldRef: limits.memory</c> in bytes, or divided by its
/// divisor), the Go runtime runs with that limit, and the sample answers its readiness probe.
/// </summary>
public sealed class PodmanKubePlayTests(PodmanFixture podman) : IClassFixture<PodmanFixture>
{
    private static readonly TimeSpan PlayTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ExecTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("overlays/go")]
    [InlineData("overlays/article-18Mi")]
    public async Task KubePlay_RunsTheOverlaysPod_WithItsMemoryLimitAndResourceFieldRefEnv(string overlay)
    {
        podman.Require();
        var ct = TestContext.Current.CancellationToken;
        var rendered = await OverlayRenderer.RenderDeploymentAsync(overlay, ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"{overlay} rendered by {rendered.RenderedBy}");
        var manifest = rendered.Deployment.Spec.Template.Spec.Containers.Single();
        var limitBytes = manifest.Resources.Limits["memory"].ToInt64();
        var gomemlimit = manifest.Env.Single(e => e.Name == "GOMEMLIMIT");
        Assert.Equal("limits.memory", gomemlimit.ValueFrom?.ResourceFieldRef?.Resource);

        var podName = $"{rendered.Deployment.Metadata.Name}-{Path.GetFileName(overlay).ToLowerInvariant()}";
        var podFile = Path.Combine(podman.Folder, podName + ".yaml");
        await File.WriteAllTextAsync(podFile, KubernetesYaml.Serialize(PodFromDeployment.Create(rendered.Deployment, podName, SampleImage.Tag)), ct);
        var container = $"{podName}-{manifest.Name}";
        try
        {
            await podman.RunCheckedAsync(["kube", "play", "--network", "none", podFile], PlayTimeout, ct);

            Assert.Equal(limitBytes, await CgroupMemoryLimitAsync(container, ct));
            var environment = await ContainerEnvironmentAsync(container, ct);
            foreach (var env in manifest.Env)
            {
                var expected = env.ValueFrom is null ? env.Value : ResourceFieldValue(env.ValueFrom.ResourceFieldRef, manifest.Resources);
                Assert.Equal(expected, environment.GetValueOrDefault(env.Name));
            }
            await WaitUntilReadyAsync(container, manifest, ct);
            // The Go runtime took the value: the sample logs the memory limit it runs with.
            var logs = await podman.RunAsync(["logs", container], ExecTimeout, ct);
            Assert.Contains($"memlimit {ResourceFieldValue(gomemlimit.ValueFrom!.ResourceFieldRef, manifest.Resources)}",
                logs.StandardOutput + logs.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            await podman.RunAsync(["kube", "play", "--down", podFile], PlayTimeout, CancellationToken.None);
        }
        Assert.Equal("", (await podman.RunCheckedAsync(["pod", "ps", "--quiet", "--filter", $"name={podName}"], ExecTimeout, ct)).Trim());
    }

    /// <summary>The container's memory limit as the kernel enforces it: cgroup v2's memory.max, else v1's limit_in_bytes.</summary>
    private async Task<long> CgroupMemoryLimitAsync(string container, CancellationToken ct)
    {
        var v2 = await podman.RunAsync(["exec", container, "cat", "/sys/fs/cgroup/memory.max"], ExecTimeout, ct);
        var text = v2.Succeeded
            ? v2.StandardOutput
            : await podman.RunCheckedAsync(["exec", container, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes"], ExecTimeout, ct);
        return long.Parse(text.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>The container's environment as <c>env</c> inside it prints it.</summary>
    private async Task<Dictionary<string, string>> ContainerEnvironmentAsync(string container, CancellationToken ct)
    {
        var text = await podman.RunCheckedAsync(["exec", container, "env"], ExecTimeout, ct);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
    }

    /// <summary>What a kubelet puts in a resourceFieldRef env var for a memory resource: the quantity divided by the
    /// divisor (1 by default), rounded up.</summary>
    private static string ResourceFieldValue(V1ResourceFieldSelector selector, V1ResourceRequirements resources)
    {
        var (kind, name) = selector.Resource.Split('.') is [var k, var n] ? (k, n) : throw new InvalidOperationException(selector.Resource);
        var quantity = (kind == "limits" ? resources.Limits : resources.Requests)[name].ToDecimal();
        var divisor = selector.Divisor?.ToDecimal() ?? 1m;
        return decimal.Ceiling(quantity / divisor).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Polls the manifest's readiness probe from inside the pod (its network namespace has only loopback).</summary>
    private async Task WaitUntilReadyAsync(string container, V1Container manifest, CancellationToken ct)
    {
        var probe = manifest.ReadinessProbe.HttpGet;
        var port = int.TryParse(probe.Port.Value, CultureInfo.InvariantCulture, out var number)
            ? number
            : manifest.Ports.Single(p => p.Name == probe.Port.Value).ContainerPort;
        var url = $"http://127.0.0.1:{port}{probe.Path}";
        // No wget -T: busybox-static 1.35's wget crashes with it (exit 139); podman exec is bounded instead.
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            var answer = await podman.RunAsync(["exec", container, "wget", "-q", "-O", "-", url], ExecTimeout, ct);
            if (answer.Succeeded)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{url} did not answer within {ReadyTimeout.TotalSeconds:0} s (exit {answer.ExitCode}): {answer.StandardError}");
            await Task.Delay(200, ct);
        }
    }
}
