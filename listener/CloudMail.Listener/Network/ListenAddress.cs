using System.Net;
using System.Net.Sockets;

namespace CloudMail.Listener.Network;

/// <summary>The address the endpoints bind, from <c>CloudMail:ListenAddress</c> (validated as an IP address at start).</summary>
public static class ListenAddress
{
    /// <summary>
    /// <paramref name="configured"/> parsed; <c>::</c> (every address, IPv4 ones as IPv4-mapped on a dual-stack socket) is
    /// <c>0.0.0.0</c> when <paramref name="ipv6"/> is false: a machine or container without IPv6 still listens on IPv4.
    /// </summary>
    public static IPAddress Of(string configured, bool ipv6)
    {
        IPAddress address = IPAddress.Parse(configured);
        return address.Equals(IPAddress.IPv6Any) && !ipv6 ? IPAddress.Any : address;
    }

    /// <summary>How <paramref name="address"/> is written before <c>:port</c>: an IPv6 one in brackets (<c>[::]:25</c>).</summary>
    public static string WithPort(IPAddress address, int port) => new IPEndPoint(address, port).ToString();

    /// <summary><see cref="Of(string, bool)"/> on this machine (<see cref="Socket.OSSupportsIPv6"/>).</summary>
    public static IPAddress Of(string configured) => Of(configured, Socket.OSSupportsIPv6);
}
