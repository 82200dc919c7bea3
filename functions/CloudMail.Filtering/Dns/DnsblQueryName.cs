using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CloudMail.Core.Net;

namespace CloudMail.Filtering.Dns;

/// <summary>
/// The name a DNS blocklist is asked about (RFC 5782): for an address (§2.1, §2.4) the IPv4 octets reversed
/// (<c>2.0.0.127.zone</c>) or the 32 nibbles of an IPv6 address reversed; for a domain (§3, URI blocklists) the domain
/// itself in front of the zone. Used by the in-session blocklist check at RCPT and by the spam rules. Pure.
/// </summary>
public static class DnsblQueryName
{
    public static string For(IPAddress address, string zone)
    {
        address = address.Unmapped();
        byte[] bytes = address.GetAddressBytes();
        var name = new StringBuilder(80);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            for (int i = bytes.Length - 1; i >= 0; i--) name.Append(bytes[i].ToString(CultureInfo.InvariantCulture)).Append('.');
        }
        else
        {
            for (int i = bytes.Length - 1; i >= 0; i--)
                name.Append("0123456789abcdef"[bytes[i] & 0xF]).Append('.').Append("0123456789abcdef"[bytes[i] >> 4]).Append('.');
        }
        return name.Append(zone.TrimEnd('.')).ToString();
    }

    /// <summary>The name a domain blocklist (RFC 5782 §3) is asked about for <paramref name="domain"/>: <c>domain.zone</c>.</summary>
    public static string ForDomain(string domain, string zone) => domain.TrimEnd('.') + "." + zone.TrimEnd('.');

    /// <summary>
    /// True when an A answer means "listed": 127.0.0.0/8 (RFC 5782 §2.1), except 127.255.255.0/24, which Spamhaus and
    /// others return for refused or malformed queries (an error, not a listing).
    /// </summary>
    public static bool IsListing(IPAddress answer)
    {
        byte[] b = answer.GetAddressBytes();
        return b.Length == 4 && b[0] == 127 && !(b[1] == 255 && b[2] == 255);
    }
}
