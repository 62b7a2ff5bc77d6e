using System.CommandLine;
using Headroom.Experiments;
using Headroom.Runners.Kubernetes;
using k8s;

namespace Headroom.Cli.Commands;

/// <summary><c>headroom recommend --k8s deployment/NAME [--apply]</c>: the recommendation as a patch of a live Deployment.</summary>
internal static class KubernetesRecommendation
{
    public static async Task ShowAsync(ParseResult parsed, string deploymentText, Recommendation recommendation, bool apply, CancellationToken cancellationToken)
    {
        var output = parsed.InvocationConfiguration.Output;
        var name = DeploymentTarget.ParseName(deploymentText, "--k8s");
        if (recommendation.Container is not { } recommended)
        {
            throw new UserInputException($"there is no recommended container to patch deployment/{name} with: {recommendation.Unavailable ?? "the study found no healthy edge"}");
        }
        using var connection = KubernetesRunnerOptions.Connect(parsed);
        var deployment = await connection.Client.AppsV1.ReadNamespacedDeploymentAsync(name, connection.Namespace, cancellationToken: cancellationToken);
        var containers = deployment.Spec.Template.Spec.Containers;
        var container = parsed.GetValue(KubernetesRunnerOptions.Container)
            ?? (containers.Count == 1 ? containers[0].Name
                : throw new UserInputException($"deployment/{name} has {containers.Count} containers ({string.Join(", ", containers.Select(c => c.Name))}); say which with -c CONTAINER"));
        var patch = RecommendedPatch.Build(deployment, container, recommended);
        await output.WriteLineAsync($"deployment/{name} -c {container} in {connection.Where}:");
        await output.WriteAsync(patch.Diff);
        if (!patch.Changes)
        {
            await output.WriteLineAsync("already as recommended; nothing to patch");
            return;
        }
        if (!apply)
        {
            await output.WriteLineAsync(patch.KubectlCommand(connection.Namespace));
            await output.WriteLineAsync("(add --apply to apply it)");
            return;
        }
        await connection.Client.AppsV1.PatchNamespacedDeploymentAsync(patch.Patch, name, connection.Namespace, cancellationToken: cancellationToken);
        await output.WriteLineAsync($"applied to deployment/{name}; kubectl -n {connection.Namespace} rollout status deployment/{name} follows the rollout");
    }
}
