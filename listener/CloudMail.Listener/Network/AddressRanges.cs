using System.Net;
using System.Net.Sockets;
using CloudMail.Core.Net;

namespace CloudMail.Listener.Network;

/// <summary>A set of addresses and CIDR ranges from configuration text such as <c>"127.0.0.1, ::1, 10.0.0.0/8"</c>.</summary>
public sealed class AddressRanges
{
    private readonly IPNetwork[] _ranges;

    private AddressRanges(IPNetwork[] ranges) => _ranges = ranges;

    /// <summary>
    /// Parses comma- or space-separated entries, each an address (one host) or a CIDR range.
    /// False, with the first bad entry in <paramref name="invalid"/>, on anything else. Empty text is an empty set.
    /// </summary>
    public static bool TryParse(string? text, out AddressRanges ranges, out string? invalid)
    {
        var parsed = new List<IPNetwork>();
        ranges = new AddressRanges([]);
        invalid = null;
        foreach (string entry in (text ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPAddress.TryParse(entry, out var address) && !entry.Contains('/'))
                parsed.Add(new IPNetwork(address.Unmapped(), address.Unmapped().AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            else if (IPNetwork.TryParse(entry, out var network))
                parsed.Add(network);
            else
            {
                invalid = entry;
                return false;
            }
        }
        ranges = new AddressRanges([.. parsed]);
        return true;
    }

    /// <summary>True when <paramref name="address"/> (IPv4-mapped IPv6 taken as IPv4) is in one of the ranges.</summary>
    public bool Contains(IPAddress address)
    {
        address = address.Unmapped();
        foreach (var range in _ranges)
            if (range.Contains(address)) return true;
        return false;
    }
}
