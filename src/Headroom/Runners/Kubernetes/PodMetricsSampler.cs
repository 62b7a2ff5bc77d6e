using Headroom.Memory;
using Headroom.Trials;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// Polls <c>metrics.k8s.io</c> (metrics-server; what <c>kubectl top pod</c> shows) for the container's working set.
/// A cluster without the API answers 404 and one whose Role lacks it 403: sampling stops quietly with a
/// <see cref="Note"/>. A new pod is absent from the list until metrics-server has scraped it (every 15–60 s), so a
/// short trial may see no reading at all. The selector matches the pod (its ReplicaSet's labels) so the list stays short.
/// </summary>
public sealed class PodMetricsSampler(KubeConnection connection, string pod, string container, string selector, TimeSpan interval) : IAsyncDisposable
{
    private readonly BackgroundLoop _loop = new();
    private readonly HashSet<DateTime> _windows = [];
    private long? _peak;

    public const string Source = "metrics.k8s.io working set";

    /// <summary>The working set in the latest metrics window; null before the first.</summary>
    public long? Latest => Interlocked.Read(ref _latestBox) is var v && v >= 0 ? v : null;

    private long _latestBox = -1;

    public string? Note { get; private set; }

    public void Start(CancellationToken cancellationToken) => _loop.Poll(interval, ReadAsync, cancellationToken);

    /// <summary>Completes when the first read has been answered (with a window or not).</summary>
    public Task FirstAnswer => _loop.FirstAnswer;

    /// <summary>The highest working set reported, and in how many distinct metrics windows.</summary>
    public MemorySourcePeak Peak() => new(Source, _peak, _windows.Count,
        Note ?? (_windows.Count == 0 ? "no metrics window for the pod yet (metrics-server scrapes every 15-60 s)" : null));

    /// <summary>One read; false when the API is not there for us (stop asking).</summary>
    private async Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        PodMetricsList list;
        try
        {
            // The client's GetKubernetesPodsMetricsByNamespaceAsync makes this call without a label selector or a
            // cancellation token; this is the same request, narrowed to the pod's ReplicaSet.
            list = await connection.Client.CustomObjects.ListNamespacedCustomObjectAsync<PodMetricsList>(
                "metrics.k8s.io", "v1beta1", connection.Namespace, "pods", labelSelector: selector, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            Note = "metrics.k8s.io is not served by this cluster (no metrics-server)";
            return false;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.Unauthorized)
        {
            Note = $"metrics.k8s.io refused ({(int)e.Response.StatusCode}): grant get/list on pods.metrics.k8s.io";
            return false;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or System.Text.Json.JsonException)
        {
            Note = $"the last metrics read failed: {e.Message}";
            return true;
        }
        var usage = list.Items?.FirstOrDefault(p => p.Metadata?.Name == pod)?
            .Containers?.FirstOrDefault(c => c.Name == container)?.Usage;
        if (usage is not null && usage.TryGetValue("memory", out var memory))
        {
            var bytes = memory.ToInt64();
            Interlocked.Exchange(ref _latestBox, bytes);
            _peak = Math.Max(_peak ?? 0, bytes);
            var window = list.Items!.First(p => p.Metadata?.Name == pod).Timestamp ?? DateTime.UtcNow;
            lock (_windows)
            {
                _windows.Add(window);
            }
            Note = null;
        }
        return true;
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();
}
