using System.Net;
using System.Net.Sockets;

namespace Headroom.Load;

/// <summary>Where the requests go, resolved once before the run so that no request pays for DNS.</summary>
internal sealed record LoadTarget(IPEndPoint EndPoint, bool UseTls, string Host)
{
    public static async Task<LoadTarget> ResolveAsync(Uri url, CancellationToken ct)
    {
        var useTls = url.Scheme == Uri.UriSchemeHttps;
        if (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal))
        {
            return new LoadTarget(new IPEndPoint(literal, url.Port), useTls, url.IdnHost);
        }
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(url.IdnHost, ct);
        }
        catch (SocketException e)
        {
            throw new UserInputException($"cannot resolve host '{url.IdnHost}' of {url}: {e.Message}", e);
        }
        var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new UserInputException($"host '{url.IdnHost}' of {url} has no address");
        return new LoadTarget(new IPEndPoint(address, url.Port), useTls, url.IdnHost);
    }
}
