using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>The trial's container in its pod, as the kubelet reports it: its status, the end of its run, its previous log.</summary>
internal sealed class PodContainer(KubeConnection connection, string container)
{
    public V1ContainerStatus? Status(V1Pod pod) => pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == container);

    /// <summary>The last lines the container's previous run wrote, when it ended during the trial (for a runtime's OOM message).</summary>
    public async Task<IReadOnlyList<string>> PreviousLogAsync(V1Pod pod, V1ContainerStatus? status, int restartsBefore, CancellationToken cancellationToken)
    {
        if (PodOutcome.Ended(status, restartsBefore) is null)
        {
            return [];
        }
        try
        {
            var previous = status?.State?.Terminated is null;
            await using var stream = await connection.Client.CoreV1.ReadNamespacedPodLogAsync(
                pod.Metadata.Name, connection.Namespace, container: container, previous: previous, tailLines: 25, cancellationToken: cancellationToken);
            using var reader = new StreamReader(stream);
            var text = await reader.ReadToEndAsync(cancellationToken);
            return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
        }
        catch (HttpOperationException)
        {
            return [];
        }
    }

    /// <summary>Completes when the container's run ends (its restart count rises or it is terminated) or the pod is gone.</summary>
    public Task WatchAsync(string pod, int restartsBefore, TimeSpan pollInterval, CancellationTokenSource linked) => Task.Run(async () =>
    {
        using (linked)
        {
            try
            {
                while (true)
                {
                    await Task.Delay(pollInterval, linked.Token);
                    try
                    {
                        var current = await connection.Client.CoreV1.ReadNamespacedPodAsync(pod, connection.Namespace, cancellationToken: linked.Token);
                        if (PodOutcome.Ended(Status(current), restartsBefore) is not null || current.Status?.Phase == "Failed")
                        {
                            return;
                        }
                    }
                    catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
                    {
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The trial is over (or cancelled): nothing more to watch.
            }
        }
    }, CancellationToken.None);
}
