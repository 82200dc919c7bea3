using System.Net;
using System.Net.Sockets;

namespace CloudMail.Listener.Tests.Infrastructure;

/// <summary>
/// TCP connections to the test server (on 127.0.0.1) from a chosen loopback source address, so that one test can stand
/// for several clients: 127.0.0.2, 127.0.0.3, ... all reach 127.0.0.1 and the server sees each as its own address.
/// </summary>
public static class Loopback
{
    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> from <paramref name="from"/> (any free port), or from 127.0.0.1 when null.</summary>
    public static async Task<TcpClient> ConnectAsync(int port, string? from = null)
    {
        var tcp = from is null ? new TcpClient(AddressFamily.InterNetwork) : new TcpClient(new IPEndPoint(IPAddress.Parse(from), 0));
        tcp.NoDelay = true;
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        return tcp;
    }
}
