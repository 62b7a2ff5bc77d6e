using System.Net;
using System.Net.Sockets;

namespace Headroom.Runners.Local;

/// <summary>Ports on this machine: is one taken already, and a free one for a target.</summary>
public static class PortCheck
{
    /// <summary>True when something already accepts connections at the URL's loopback port.</summary>
    public static bool IsListening(Uri url)
    {
        if (!url.IsLoopback)
        {
            return false;
        }
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(IPAddress.Loopback, url.Port).Wait(TimeSpan.FromMilliseconds(500)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    /// <summary>A port no one listens on right now (the kernel picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
