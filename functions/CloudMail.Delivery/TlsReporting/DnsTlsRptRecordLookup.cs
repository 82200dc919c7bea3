using CloudMail.Core.TlsReporting;
using DnsClient;
using DnsClient.Protocol;

namespace CloudMail.Delivery.TlsReporting;

/// <summary>
/// <see cref="ITlsRptRecordLookup"/> with CloudMail's resolver: the TXT records at <c>_smtp._tls.DOMAIN</c> (RFC 8460 §3),
/// each record's strings joined, handed to <see cref="TlsRptRecord.Select"/>. NXDOMAIN or no TXT: no policy; a resolver
/// failure (SERVFAIL, timeout): temporary.
/// </summary>
public sealed class DnsTlsRptRecordLookup(ILookupClient dns) : ITlsRptRecordLookup
{
    public async Task<TlsRptLookup> LookupAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        IDnsQueryResponse response;
        try
        {
            response = await dns.QueryAsync("_smtp._tls." + domain.TrimEnd('.'), QueryType.TXT, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException)
        {
            return new TlsRptLookup(null, TemporaryFailure: true);
        }
        return response.Header.ResponseCode switch
        {
            DnsHeaderResponseCode.NoError => new TlsRptLookup(TlsRptRecord.Select(response.Answers.TxtRecords().Select(t => string.Concat(t.Text)))),
            DnsHeaderResponseCode.NotExistentDomain => new TlsRptLookup(null),
            _ => new TlsRptLookup(null, TemporaryFailure: true),
        };
    }
}
