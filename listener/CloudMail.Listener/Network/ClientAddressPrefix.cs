using System.Net;
using System.Net.Sockets;
using CloudMail.Core.Net;

namespace CloudMail.Listener.Network;

/// <summary>
/// The unit a client is counted by: an IPv4 address as is, an IPv6 address cut to its prefix (one host or site
/// usually owns a whole /64 and can take a fresh address in it for every connection). Pure; never throws for a
/// valid <see cref="IPAddress"/>.
/// </summary>
public static class ClientAddressPrefix
{
    /// <summary>
    /// "192.0.2.7" for IPv4 and IPv4-mapped IPv6 (<c>::ffff:192.0.2.7</c>), "2001:db8:1:2::/64" for IPv6 with
    /// <paramref name="ipv6PrefixLength"/> 64 (host bits cleared, scope dropped).
    /// </summary>
    public static string Of(IPAddress address, int ipv6PrefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ipv6PrefixLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ipv6PrefixLength, 128);
        address = address.Unmapped();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        int full = ipv6PrefixLength / 8;
        int rest = ipv6PrefixLength % 8;
        if (full < 16)
        {
            bytes[full] &= (byte)(0xFF << (8 - rest));
            bytes[(full + 1)..].Clear();
        }
        return $"{new IPAddress(bytes)}/{ipv6PrefixLength}";
    }
}
