using k8s;
using k8s.Models;

namespace Headroom.Tests.Podman;

/// <summary>A kustomization rendered to the Deployment a user would apply, and what rendered it.</summary>
internal sealed record RenderedDeployment(V1Deployment Deployment, string RenderedBy);

/// <summary>
/// Renders deploy/k8s kustomizations as <c>kubectl apply -k</c> would: with <c>kubectl kustomize</c> when kubectl is
/// on PATH, otherwise with <see cref="KustomizationReader"/>.
/// </summary>
internal static class OverlayRenderer
{
    public static string DeployDirectory => Path.Combine(RepoRoot.Path, "deploy", "k8s");

    /// <summary>kubectl on PATH, or null.</summary>
    public static string? Kubectl { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "kubectl"))
        .FirstOrDefault(File.Exists);

    public static async Task<RenderedDeployment> RenderDeploymentAsync(string kustomization, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(DeployDirectory, kustomization);
        var (yaml, renderedBy) = Kubectl is null
            ? (KustomizationReader.Build(directory), "the tests' kustomization reader (kubectl is not installed)")
            : (await KubectlKustomizeAsync(directory, cancellationToken), "kubectl kustomize");
        var deployment = KubernetesYaml.LoadAllFromString(yaml).OfType<V1Deployment>().Single();
        return new RenderedDeployment(deployment, renderedBy);
    }

    /// <summary>The output of <c>kubectl kustomize DIRECTORY</c>; kubectl must be installed.</summary>
    public static async Task<string> KubectlKustomizeAsync(string directory, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(
            new ProcessSpec(Kubectl ?? "kubectl", ["kustomize", directory]) { Timeout = TimeSpan.FromSeconds(60) }, cancellationToken);
        return result.Succeeded
            ? result.StandardOutput
            : throw new InvalidOperationException($"kubectl kustomize {directory} failed ({result.ExitCode}): {result.StandardError}");
    }
}
