using System.Net;
using CloudMail.Core.Net;

namespace CloudMail.Functions.Http;

/// <summary>
/// The client address of a request that reached the Functions worker through proxies (the worker sees no socket). Each
/// proxy appends the address it received the request from to <c>X-Forwarded-For</c>, so only the entries added by proxies
/// we trust are facts; anything to their left is whatever the client wrote. The client is therefore the rightmost entry
/// that is not a trusted proxy (RFC 7239 §5.2 makes the same point for <c>Forwarded: for=</c>). With no trusted proxies
/// configured that is the rightmost entry, the one Azure's front end appends. Pure; never throws on header content.
/// </summary>
public static class ForwardedFor
{
    /// <summary>Returned when no address can be trusted.</summary>
    public const string Unknown = "unknown";

    /// <summary>
    /// The client address from <paramref name="header"/> (all X-Forwarded-For values joined with commas, in order):
    /// walking from the right, the first entry not in <paramref name="trustedProxies"/>; the leftmost entry when every
    /// entry is trusted; <see cref="Unknown"/> when the header is absent or the walk meets an entry that is not an address
    /// (a port is allowed and dropped; IPv4-mapped IPv6 is shown as IPv4).
    /// </summary>
    public static string ClientAddress(string? header, IReadOnlyList<IPNetwork> trustedProxies)
    {
        if (string.IsNullOrWhiteSpace(header)) return Unknown;
        string[] entries = header.Split(',', StringSplitOptions.TrimEntries);
        for (int i = entries.Length - 1; i >= 0; i--)
        {
            if (Parse(entries[i]) is not { } address) return Unknown;
            if (i == 0 || !trustedProxies.Any(network => network.Contains(address))) return address.ToString();
        }
        return Unknown;
    }

    /// <summary>
    /// Parses a comma-separated list of IP addresses and CIDR prefixes (<c>10.0.0.0/8, 2001:db8::/32, 192.0.2.7</c>);
    /// empty gives none. Returns false and the offending entry in <paramref name="problem"/> when one is neither.
    /// </summary>
    public static bool TryParseNetworks(string? list, out IReadOnlyList<IPNetwork> networks, out string? problem)
    {
        var parsed = new List<IPNetwork>();
        networks = parsed;
        problem = null;
        foreach (string entry in (list ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (IPNetwork.TryParse(entry, out var network)) parsed.Add(network);
            else if (IPAddress.TryParse(entry, out var address)) parsed.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            else
            {
                problem = $"'{entry}' is neither an IP address nor a CIDR prefix";
                return false;
            }
        }
        return true;
    }

    private static IPAddress? Parse(string entry)
    {
        IPAddress? address = IPAddress.TryParse(entry, out var bare) ? bare
            : IPEndPoint.TryParse(entry, out var endpoint) ? endpoint.Address
            : null;
        return address?.Unmapped();
    }
}
