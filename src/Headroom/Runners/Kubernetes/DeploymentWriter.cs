using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Headroom.Trials;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Every write the runner makes to a Deployment: read it, check it (<see cref="DeploymentChecks"/>), JSON-patch it with
/// a <c>test</c> of the resourceVersion read and the field manager <c>headroom</c>. The deployment controller writes
/// the status meanwhile (a new resourceVersion), so a failed test is read again and tried again, up to
/// <see cref="Attempts"/> times; a Deployment someone keeps changing (Argo CD or Flux reverting it) is an error.
/// </summary>
public static class DeploymentWriter
{
    /// <summary>The field manager the API server records for Headroom's changes (<c>kubectl get -o yaml --show-managed-fields</c>).</summary>
    public const string FieldManager = "headroom";

    public const int Attempts = 4;

    /// <summary>
    /// Patches the trial's limit and knobs in; <paramref name="patching"/> is called once the checks passed, just before
    /// the first PATCH is sent (from then on the Deployment may be changed and needs a restore); <paramref name="check"/>
    /// may refuse the Deployment read (one more check, as <see cref="DeploymentChecks"/>).
    /// </summary>
    public static async Task<V1Deployment> PatchForTrialAsync(
        KubeConnection connection, DeploymentTarget target, K8sRunnerOptions options, TrialRequest request, string trialId, Action patching,
        CancellationToken cancellationToken, Action<V1Deployment>? check = null) =>
        (await PatchAsync(connection, target.Name, (deployment, json) =>
        {
            DeploymentChecks.Refuse(deployment, options, connection.RestoreCommand(target.Name));
            check?.Invoke(deployment);
            var patch = DeploymentPatches.ForTrial(json, target.Container, request.Limit, request.Knobs, trialId, options.StudyKnobs, options.RunId);
            patching();
            return patch;
        }, cancellationToken))!;

    /// <summary>
    /// Puts the saved original back (see <see cref="DeploymentPatches.ForRestore"/>); false when there is nothing to
    /// restore. With <paramref name="run"/>, only that run's saved original is restored (another run's is left alone).
    /// </summary>
    public static async Task<bool> RestoreAsync(KubeConnection connection, string name, string? run, CancellationToken cancellationToken)
    {
        var restored = await PatchAsync(connection, name, (_, json) =>
            run is not null && SavedOriginal.Read(json) is { } saved && saved.Run != run ? null : DeploymentPatches.ForRestore(json),
            cancellationToken);
        return restored is not null;
    }

    /// <summary>
    /// Reads the Deployment (as JSON, and typed for the checks) and sends the patch <paramref name="build"/> makes of
    /// it; null when it makes none. The patch is built from the JSON, so fields the client's models do not know survive.
    /// </summary>
    private static async Task<V1Deployment?> PatchAsync(KubeConnection connection, string name, Func<V1Deployment, JsonObject, V1Patch?> build, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var json = await connection.ReadDeploymentJsonAsync(name, cancellationToken);
            var deployment = KubernetesJson.Deserialize<V1Deployment>(json.ToJsonString());
            if (build(deployment, json) is not { } patch)
            {
                return null;
            }
            try
            {
                return await connection.Client.AppsV1.PatchNamespacedDeploymentAsync(
                    patch, name, connection.Namespace, fieldManager: FieldManager, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.UnprocessableEntity or System.Net.HttpStatusCode.Conflict)
            {
                // A JSON patch whose test fails is answered 422 (apiserver's patch handler); read again and retry.
                if (attempt >= Attempts)
                {
                    throw new UserInputException(
                        $"deployment/{name} changed between each read and patch {Attempts} times (is a GitOps controller such as Argo CD or Flux reverting it?): {FirstLine(e.Response.Content)}", e);
                }
            }
        }
    }

    private static string FirstLine(string? text) => (text ?? "").Split('\n')[0].Trim();
}
