using System.CommandLine;
using Headroom.Runners.Kubernetes;

namespace Headroom.Cli.Commands;

/// <summary><c>headroom k8s restore deployment/NAME -c CONTAINER</c>: puts back what a killed run left patched.</summary>
internal static class K8sCommand
{
    private static readonly Argument<string> s_deployment = new("deployment") { Description = "deployment/NAME" };

    public static Command Create()
    {
        var k8s = new Command("k8s", "Kubernetes runner housekeeping.");
        var restore = new Command("restore",
            "Restore a Deployment's container resources and env saved by the Kubernetes runner (the headroom.dev/original " +
            "annotation) and remove Headroom's annotations, and delete the clones --parallel made (NAME-headroom-N) of runs that " +
            "are no longer going (their lease lapsed), saying which it deleted and which it left. " +
            "Idempotent: nothing to restore is not an error.");
        restore.Arguments.Add(s_deployment);
        restore.Options.Add(KubernetesRunnerOptions.Namespace);
        restore.Options.Add(KubernetesRunnerOptions.Context);
        restore.SetAction(RestoreAsync);
        k8s.Subcommands.Add(restore);
        return k8s;
    }

    private static async Task<int> RestoreAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        var name = DeploymentTarget.ParseName(parsed.GetValue(s_deployment)!, "deployment");
        using var connection = KubernetesRunnerOptions.Connect(parsed);
        // Whichever run saved the original: this command is how a person undoes a killed run.
        var restored = await DeploymentWriter.RestoreAsync(connection, name, null, cancellationToken);
        var output = parsed.InvocationConfiguration.Output;
        await output.WriteLineAsync(restored
            ? $"restored deployment/{name} in {connection.Where}"
            : $"deployment/{name} has nothing to restore (no {SavedOriginal.Annotation} annotation)");
        SweepResult clones;
        try
        {
            clones = await DeploymentClones.SweepAsync(connection, name, TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Forbidden)
        {
            // A Role without --parallel's verbs: there can be no clones to delete.
            await output.WriteLineAsync($"did not look for --parallel clones of deployment/{name}: listing deployments is not allowed");
            return 0;
        }
        if (clones.Deleted.Count > 0)
        {
            await output.WriteLineAsync($"deleted {clones.Deleted.Count} clone{(clones.Deleted.Count == 1 ? "" : "s")} of deployment/{name}: {string.Join(", ", clones.Deleted)}");
        }
        foreach (var (run, live, why) in clones.Live)
        {
            await output.WriteLineAsync($"left {string.Join(", ", live)}: run {run} is still going ({why}); run this again once it has stopped for {RunLease.Duration.TotalSeconds:0} s");
        }
        if (clones.Failed.Count > 0)
        {
            await parsed.InvocationConfiguration.Error.WriteLineAsync($"could not delete {string.Join(", ", clones.Failed)}; run this again");
            return 1;
        }
        return 0;
    }
}
