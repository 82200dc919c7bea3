using System.Net;

namespace CloudMail.Delivery;

/// <summary>
/// RFC 5321 §5.1: "If it determines that it should relay the message ... if the SMTP client is one of the MX hosts, it
/// MUST discard the records of equal or worse preference than its own." Pure.
/// </summary>
public static class MxSelfCut
{
    /// <summary>
    /// <paramref name="hosts"/> (in preference order) without this server and every host of its preference or a worse one:
    /// the hosts preferred to the first whose name or an address <paramref name="isSelf"/> says is this server; all of
    /// them when none is. Empty when this server is (one of) the best: the mail would loop back to it.
    /// </summary>
    public static IReadOnlyList<MxHost> PreferredToSelf(IReadOnlyList<MxHost> hosts, Func<string, IPAddress, bool> isSelf)
    {
        foreach (MxHost host in hosts)
        {
            if (!host.Addresses.Any(a => isSelf(host.Name, a))) continue;
            return [.. hosts.Where(h => h.Preference < host.Preference)];
        }
        return hosts;
    }
}
