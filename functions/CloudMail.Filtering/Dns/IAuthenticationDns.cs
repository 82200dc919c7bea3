using System.Net;

namespace CloudMail.Filtering.Dns;

/// <summary>
/// The DNS queries of the authentication checks (SPF, DKIM keys, DMARC policies). Never throws for DNS trouble: a failure
/// or timeout is <see cref="DnsStatus.Error"/>; only cancellation propagates.
/// </summary>
public interface IAuthenticationDns
{
    /// <summary>TXT records of <paramref name="name"/>, each with its strings joined (RFC 7208 §3.3).</summary>
    Task<DnsAnswer<string>> TxtAsync(string name, CancellationToken cancellationToken);

    /// <summary>A records (or AAAA when <paramref name="ipv6"/>) of <paramref name="name"/>.</summary>
    Task<DnsAnswer<IPAddress>> AddressesAsync(string name, bool ipv6, CancellationToken cancellationToken);

    /// <summary>Exchange host names of the MX records of <paramref name="name"/>, by preference.</summary>
    Task<DnsAnswer<string>> MxAsync(string name, CancellationToken cancellationToken);

    /// <summary>Names of the PTR records of <paramref name="address"/>.</summary>
    Task<DnsAnswer<string>> PtrAsync(IPAddress address, CancellationToken cancellationToken);
}
