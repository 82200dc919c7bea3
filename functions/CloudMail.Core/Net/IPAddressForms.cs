using System.Net;

namespace CloudMail.Core.Net;

/// <summary>The one form of a client or server address that limits, lists, checks and headers compare and show.</summary>
public static class IPAddressForms
{
    /// <summary>
    /// <paramref name="address"/> as IPv4 when it is an IPv4-mapped IPv6 address (<c>::ffff:192.0.2.1</c>, how a dual-stack
    /// socket shows an IPv4 peer: RFC 4291 §2.5.5.2), else itself. An IPv4 client is an IPv4 client however it arrived
    /// (RFC 7208 §5 says so for SPF).
    /// </summary>
    public static IPAddress Unmapped(this IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
