using System.Net;

namespace CloudMail.Delivery;

/// <summary>
/// Section <c>CloudMail:Dns</c>: the resolvers every DNS lookup of CloudMail uses (MX for delivery, and the lookups of
/// the checks that come later). Bound and validated at start.
/// </summary>
public sealed class DnsOptions
{
    public const string Section = "CloudMail:Dns";

    /// <summary>Resolvers as <c>ip:port</c> (<c>[v6]:port</c> for IPv6; port 53 when left out; an IP address, since a resolver cannot be found by name). Empty: the system's resolvers.</summary>
    public List<string> Servers { get; set; } = [];

    /// <summary>Time to wait for one answer before retrying or failing (a timeout is a temporary failure).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of one query after a timeout.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The parsed <see cref="Servers"/>; throws <see cref="FormatException"/> for an entry that is not an address.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints() => Servers.Select(Parse).ToList();

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (string server in Servers)
            if (!TryParse(server, out _)) yield return $"{Section}:Servers: '{server}' is not an IP address with an optional port";
        if (Timeout <= TimeSpan.Zero) yield return $"{Section}:Timeout must be positive";
        if (Retries is < 0 or > 10) yield return $"{Section}:Retries must be between 0 and 10";
    }

    private static IPEndPoint Parse(string server) =>
        TryParse(server, out var endpoint) ? endpoint : throw new FormatException($"'{server}' is not an IP address with an optional port");

    private static bool TryParse(string server, out IPEndPoint endpoint)
    {
        if (IPEndPoint.TryParse(server.Trim(), out var parsed) && parsed is not null)
        {
            endpoint = parsed.Port == 0 ? new IPEndPoint(parsed.Address, 53) : parsed;
            return true;
        }
        endpoint = null!;
        return false;
    }
}
