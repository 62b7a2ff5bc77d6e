using Headroom.Trials;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// A trial whose pod the cluster took away (deleted, drained, preempted) says nothing about its limit: it is run again,
/// up to <see cref="K8sRunnerOptions.InterruptedReruns"/> times, with the interruptions named in its evidence; one more
/// ends the run with a one-line error.
/// </summary>
internal static class PodInterruptions
{
    /// <summary>Runs the trial, and again after each interruption while reruns are left.</summary>
    public static async Task<TrialResult> RerunAsync(int reruns, IProgress<string>? progress, Func<Task<TrialResult>> trial)
    {
        var interruptions = new List<string>();
        try
        {
            while (true)
            {
                try
                {
                    var result = await trial();
                    var again = interruptions.Count == 0 ? "" : $"; run again after: {string.Join("; ", interruptions)}";
                    return result with { Evidence = result.Evidence + again };
                }
                catch (PodInterruptedException e) when (interruptions.Count < reruns)
                {
                    interruptions.Add(e.Message);
                    progress?.Report($"interrupted: {e.Message}; running the trial again");
                }
            }
        }
        catch (PodInterruptedException e)
        {
            throw new UserInputException(
                $"the trial's pod was interrupted {interruptions.Count + 1} times ({string.Join("; ", interruptions.Append(e.Message))}): the cluster is moving pods (a drain, a scale-down, preemption, a GitOps revert); --resume later", e);
        }
    }

    /// <summary>The pod at the end of its trial; gone (deleted by a drain, a scale-down, a person) is an interruption.</summary>
    public static async Task<V1Pod> ReadPodAsync(KubeConnection connection, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.Client.CoreV1.ReadNamespacedPodAsync(name, connection.Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new PodInterruptedException($"pod {name} was deleted during the trial");
        }
    }

    /// <summary>An interruption when the cluster disrupted the pod, unless its container was OOM-killed (the limit's answer).</summary>
    public static void ThrowIfDisrupted(V1Pod pod, V1ContainerStateTerminated? ended)
    {
        if (ended?.Reason != "OOMKilled" && PodOutcome.Disrupted(pod) is { } disruption)
        {
            throw new PodInterruptedException($"pod {pod.Metadata.Name}: {disruption}");
        }
    }
}

/// <summary>The trial's pod was taken away by the cluster (deleted, drained, preempted): the trial says nothing about its limit.</summary>
internal sealed class PodInterruptedException(string message) : Exception(message);
