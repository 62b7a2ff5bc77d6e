using System.Net;
using System.Net.Sockets;
using k8s;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// <c>kubectl port-forward</c> through the client: listens on 127.0.0.1:<see cref="LocalPort"/> and carries each
/// connection over its own port-forward WebSocket to <see cref="RemotePort"/> of the pod the trial runs in now (the
/// pod changes with every trial; the local port does not, so the load's URL stays the same).
/// </summary>
public sealed class PodPortForward : IAsyncDisposable
{
    private readonly KubeConnection _connection;
    private readonly Func<string?> _pod;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public PodPortForward(KubeConnection connection, Func<string?> pod, int localPort, int remotePort)
    {
        _connection = connection;
        _pod = pod;
        RemotePort = remotePort;
        _listener = new TcpListener(IPAddress.Loopback, localPort);
        _listener.Start();
        LocalPort = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(() => AcceptAsync(_stop.Token));
    }

    /// <summary>
    /// What a trial whose URLs went through these forwards says of its load (<see cref="Trials.TrialDetails.LoadPath"/>):
    /// each connection is a WebSocket from here through the API server and the kubelet to the pod, so its request rate
    /// is lower than traffic inside the cluster.
    /// </summary>
    public const string LoadPath = "through the API server's port-forward";

    public int LocalPort { get; }

    public int RemotePort { get; }

    /// <summary>The last error carrying a connection (shown when the trial cannot reach the pod).</summary>
    public string? LastError { get; private set; }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(cancellationToken);
                _ = Task.Run(() => CarryAsync(client, cancellationToken), CancellationToken.None);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private async Task CarryAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var _ = client;
        try
        {
            if (_pod() is not { } pod)
            {
                return;
            }
            using var socket = await _connection.Client.WebSocketNamespacedPodPortForwardAsync(
                pod, _connection.Namespace, [RemotePort], "v4.channel.k8s.io", cancellationToken: cancellationToken);
            using var demuxer = new StreamDemuxer(socket, StreamType.PortForward);
            demuxer.Start();
            // Separate half-streams for each direction: one duplex GetStream(0, 0) carried only the first request of
            // a kept-alive connection here, and the second hung until the load's timeout.
            using var fromPod = demuxer.GetStream((byte?)0, null);
            using var toPod = demuxer.GetStream(null, (byte?)0);
            using var kubeletErrors = demuxer.GetStream((byte?)1, null);
            var local = client.GetStream();
            using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var kubeletError = ReadKubeletErrorAsync(kubeletErrors, done.Token);
            var up = local.CopyToAsync(toPod, done.Token);
            var down = fromPod.CopyToAsync(local, done.Token);
            var first = await Task.WhenAny(up, down, kubeletError);
            if (first == down)
            {
                // The kubelet writes why it could not reach the pod's port on the error channel, then closes the
                // stream: the data side may end first, so give the error a moment to arrive.
                await Task.WhenAny(kubeletError, Task.Delay(KubeletErrorWait, CancellationToken.None));
            }
            if (kubeletError.IsCompletedSuccessfully && kubeletError.Result is { Length: > 0 } message)
            {
                LastError = $"the kubelet said: {message}";
            }
            await done.CancelAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Net.WebSockets.WebSocketException or HttpRequestException or k8s.Autorest.HttpOperationException)
        {
            LastError = e.Message;
        }
    }

    private static readonly TimeSpan KubeletErrorWait = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The port's error channel (channel 1 of v4.channel.k8s.io): empty while the connection is carried, the kubelet's
    /// reason (e.g. <c>error forwarding port 3000 to pod …: connection refused</c>) when it could not dial the pod.
    /// </summary>
    private static async Task<string> ReadKubeletErrorAsync(Stream errors, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(errors, leaveOpen: true);
        try
        {
            return (await reader.ReadToEndAsync(cancellationToken)).Trim();
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
