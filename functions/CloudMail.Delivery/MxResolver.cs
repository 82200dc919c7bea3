using System.Net;
using CloudMail.Core.Delivery;
using DnsClient;
using DnsClient.Protocol;

namespace CloudMail.Delivery;

/// <summary>
/// Finds the hosts that receive mail for a domain (RFC 5321 §5.1): its MX records by preference (equal preferences in
/// random order, §5.1 "SHOULD randomize"), each resolved to its IPv4 then IPv6 addresses; no MX records → the domain's
/// own addresses (implicit MX); a null MX (RFC 7505 §3: one MX of preference 0 for ".") → permanent failure
/// <c>556 5.1.10</c>; a domain that does not exist → permanent <c>550 5.1.2</c>; a resolver failure or timeout → transient
/// <c>451 4.4.3</c>, so a broken resolver never bounces mail. CNAMEs are followed by the resolver.
/// </summary>
public sealed class MxResolver(ILookupClient dns)
{
    /// <summary>Resolves <paramref name="domain"/>. Never throws for DNS trouble; only for cancellation.</summary>
    public async Task<MxResolution> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        var mx = await QueryAsync(domain, QueryType.MX, cancellationToken).ConfigureAwait(false);
        if (mx.Failure is { } failure) return failure;
        var records = mx.Response!.Answers.MxRecords().ToList();
        if (records.Count == 0) return await ImplicitMxAsync(domain, cancellationToken).ConfigureAwait(false);
        if (records.Any(r => IsRoot(r.Exchange.Value)))
            return new MxResolution.Failed(RecipientOutcome.Permanent, $"556 5.1.10 {domain} does not accept mail (null MX, RFC 7505)");

        var hosts = new List<MxHost>();
        bool temporary = false;
        foreach (var group in records.GroupBy(r => r.Preference).OrderBy(g => g.Key))
        {
            foreach (var record in group.OrderBy(_ => Random.Shared.Next()))
            {
                string name = record.Exchange.Value.TrimEnd('.');
                var (addresses, failed) = await AddressesAsync(name, cancellationToken).ConfigureAwait(false);
                temporary |= failed;
                if (addresses.Count > 0) hosts.Add(new MxHost(name, record.Preference, addresses));
            }
        }
        if (hosts.Count > 0) return new MxResolution.Found(hosts);
        // RFC 5321 §5.1: MX hosts without addresses are an error; kept temporary, as peers do, since DNS may catch up.
        return new MxResolution.Failed(RecipientOutcome.Transient,
            temporary ? $"451 4.4.3 no address could be looked up for the MX hosts of {domain}" : $"451 4.4.4 the MX hosts of {domain} have no address");
    }

    private async Task<MxResolution> ImplicitMxAsync(string domain, CancellationToken cancellationToken)
    {
        var (addresses, failed) = await AddressesAsync(domain, cancellationToken).ConfigureAwait(false);
        if (addresses.Count > 0) return new MxResolution.Found([new MxHost(domain, 0, addresses)]);
        return failed
            ? new MxResolution.Failed(RecipientOutcome.Transient, $"451 4.4.3 DNS lookup of {domain} failed")
            : new MxResolution.Failed(RecipientOutcome.Permanent, $"550 5.1.2 {domain} has no MX record and no address");
    }

    /// <summary>IPv4 then IPv6 addresses of <paramref name="host"/>, and whether a lookup failed temporarily.</summary>
    private async Task<(List<IPAddress> Addresses, bool TemporaryFailure)> AddressesAsync(string host, CancellationToken cancellationToken)
    {
        var addresses = new List<IPAddress>();
        bool failed = false;
        foreach (var type in new[] { QueryType.A, QueryType.AAAA })
        {
            var answer = await QueryAsync(host, type, cancellationToken).ConfigureAwait(false);
            if (answer.Failure is MxResolution.Failed { Outcome: RecipientOutcome.Transient }) failed = true;
            if (answer.Response is null) continue;
            addresses.AddRange(answer.Response.Answers.OfType<AddressRecord>().Select(a => a.Address));
        }
        return (addresses, failed && addresses.Count == 0);
    }

    private async Task<(IDnsQueryResponse? Response, MxResolution.Failed? Failure)> QueryAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await dns.QueryAsync(name, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException e)
        {
            return (null, new MxResolution.Failed(RecipientOutcome.Transient, $"451 4.4.3 DNS lookup of {type} for {name} failed: {e.Code}"));
        }
        return response.Header.ResponseCode switch
        {
            DnsHeaderResponseCode.NoError => (response, null),
            DnsHeaderResponseCode.NotExistentDomain => (null, new MxResolution.Failed(RecipientOutcome.Permanent, $"550 5.1.2 {name}: no such domain")),
            var code => (null, new MxResolution.Failed(RecipientOutcome.Transient, $"451 4.4.3 DNS lookup of {type} for {name} failed: {code}")),
        };
    }

    private static bool IsRoot(string exchange) => exchange is "." or "";
}
