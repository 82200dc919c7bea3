using System.Net;
using System.Text;
using DnsClient;
using DnsClient.Protocol;

namespace CloudMail.Filtering.Dns;

/// <summary>
/// <see cref="IAuthenticationDns"/> on the shared <see cref="ILookupClient"/> (resolvers of <c>CloudMail:Dns</c>, registered
/// by <c>AddCloudMailDns</c> of CloudMail.Delivery). NXDOMAIN and empty answers are void; any other error code, a
/// timeout, a socket failure or the end of the checks' time limit (<see cref="AuthenticationDnsLimit"/>) is
/// <see cref="DnsStatus.Error"/>; the caller's cancellation throws <see cref="OperationCanceledException"/> (the checks
/// end there, their remaining lookups are not asked as errors one by one).
/// </summary>
public sealed class LookupClientAuthenticationDns(ILookupClient lookup) : IAuthenticationDns
{
    public async Task<DnsAnswer<string>> TxtAsync(string name, CancellationToken cancellationToken)
    {
        var response = await QueryAsync(name, QueryType.TXT, cancellationToken).ConfigureAwait(false);
        return response is null ? DnsAnswer<string>.Error
            : Answer(response, response?.Answers.TxtRecords().Select(JoinStrings).ToList());
    }

    public async Task<DnsAnswer<IPAddress>> AddressesAsync(string name, bool ipv6, CancellationToken cancellationToken)
    {
        var response = await QueryAsync(name, ipv6 ? QueryType.AAAA : QueryType.A, cancellationToken).ConfigureAwait(false);
        if (response is null) return DnsAnswer<IPAddress>.Error;
        var addresses = ipv6
            ? response.Answers.AaaaRecords().Select(r => r.Address).ToList()
            : response.Answers.ARecords().Select(r => r.Address).ToList();
        return Answer(response, addresses);
    }

    public async Task<DnsAnswer<string>> MxAsync(string name, CancellationToken cancellationToken)
    {
        var response = await QueryAsync(name, QueryType.MX, cancellationToken).ConfigureAwait(false);
        return response is null ? DnsAnswer<string>.Error
            : Answer(response, response.Answers.MxRecords().OrderBy(r => r.Preference).Select(r => Trim(r.Exchange.Value)).ToList());
    }

    public async Task<DnsAnswer<string>> PtrAsync(IPAddress address, CancellationToken cancellationToken)
    {
        var response = await QueryAsync(address.GetArpaName(), QueryType.PTR, cancellationToken).ConfigureAwait(false);
        return response is null ? DnsAnswer<string>.Error
            : Answer(response, response.Answers.PtrRecords().Select(r => Trim(r.PtrDomainName.Value)).ToList());
    }

    private static DnsAnswer<T> Answer<T>(IDnsQueryResponse response, List<T>? records) =>
        response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain ? DnsAnswer<T>.Error
        : DnsAnswer<T>.Of(records ?? []);

    private async Task<IDnsQueryResponse?> QueryAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        // The checks' time limit (AuthenticationDnsLimit): a query it cuts short is an error like a timeout, not a cancellation.
        var limit = AuthenticationDnsLimit.Current;
        using var limited = limit is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            return await lookup.QueryAsync(name, type, QueryClass.IN, limited?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DnsResponseException or System.Net.Sockets.SocketException or TimeoutException or ArgumentException
                                      or OperationCanceledException)
        {
            // DnsClient reports a cancelled query as a cancellation or as a failed query (DnsResponseException): the
            // caller's cancellation (e.g. the SMTP commit deadline) ends the checks, it is not an unanswered query.
            cancellationToken.ThrowIfCancellationRequested();
            if (limit is not null && limit.Token.IsCancellationRequested) limit.MarkCutShort();
            return null;
        }
    }

    private static string JoinStrings(TxtRecord record)
    {
        var sb = new StringBuilder();
        foreach (string part in record.Text) sb.Append(part);
        return sb.ToString();
    }

    private static string Trim(string name) => name.TrimEnd('.');
}
