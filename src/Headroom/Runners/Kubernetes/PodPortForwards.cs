namespace Headroom.Runners.Kubernetes;

/// <summary>
/// The run's <c>--port-forward</c>s: opened with the first trial, each carrying its local port to the pod of the trial
/// that runs now, and closed with the executor.
/// </summary>
internal sealed class PodPortForwards(KubeConnection connection, IReadOnlyList<(int Local, int Remote)> ports) : IAsyncDisposable
{
    private readonly List<PodPortForward> _forwards = [];
    private volatile string? _pod;

    public void Open() => _forwards.AddRange(ports.Select(f => new PodPortForward(connection, () => _pod, f.Local, f.Remote)));

    /// <summary>Carries the forwards to the trial's new pod; the progress line's tail: <c>, port-forward 127.0.0.1:8080 -> 8080</c>.</summary>
    public string Follow(string pod)
    {
        _pod = pod;
        return string.Concat(_forwards.Select(f => $", port-forward 127.0.0.1:{f.LocalPort} -> {f.RemotePort}"));
    }

    /// <summary>How a trial's load reached the pod: <see cref="PodPortForward.LoadPath"/> when its URLs were forwarded; null otherwise.</summary>
    public string? LoadPath => ports.Count == 0 ? null : PodPortForward.LoadPath;

    /// <summary>The first forward's last error (said when the trial's readiness URL never answered).</summary>
    public string? LastError => _forwards.Select(f => f.LastError).FirstOrDefault(e => e is not null);

    public async ValueTask DisposeAsync()
    {
        foreach (var forward in _forwards)
        {
            await forward.DisposeAsync();
        }
    }
}
