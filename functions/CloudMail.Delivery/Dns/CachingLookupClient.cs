using System.Net;
using DnsClient;

namespace CloudMail.Delivery.Dns;

/// <summary>
/// The process's shared <see cref="ILookupClient"/>: DnsClient's client with CloudMail's cache in front of it (DnsClient's
/// own is turned off by <see cref="DnsServiceCollectionExtensions.CreateLookupClient"/>). Positive answers are kept for
/// their TTL and negative ones as RFC 2308 says (<see cref="AnswerTtl.Any"/>); DnsClient kept positive answers only, so
/// every "no such name" and "no such record" was asked again on each use (per relayed message the MTA-STS TXT record and
/// the MX host's AAAA records, per inbound message the SPF and DMARC records of domains that publish none), and it
/// bounded its cache in time only: an attacker's zone with long TTLs and a new name per message would have grown it
/// without end. This one holds at most <see cref="DnsAnswerCache.MaxEntries"/> answers.
/// </summary>
/// <remarks>
/// Only queries that run on the client's own settings are served from here (<c>QueryAsync(name, type, class)</c>,
/// <c>QueryAsync(question)</c> and their synchronous forms); a query with its own options (DANE's, which asks for DNSSEC
/// records and keeps their answers itself, and the DNS check's, <see cref="UncachedQuery"/>), a query to named servers, a
/// reverse lookup and a cache lookup go straight through. Failures (server failure, refusal, timeout) are never kept.
/// </remarks>
public sealed class CachingLookupClient(ILookupClient inner, TimeProvider time) : ILookupClient
{
    private readonly DnsAnswerCache _answers = new(time, AnswerTtl.Any);

    public IReadOnlyCollection<NameServer> NameServers => inner.NameServers;

    public LookupClientSettings Settings => inner.Settings;

    public IDnsQueryResponse Query(string query, QueryType queryType, QueryClass queryClass = QueryClass.IN) =>
        Query(new DnsQuestion(query, queryType, queryClass));

    public IDnsQueryResponse Query(DnsQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return _answers.Get(question) ?? _answers.Keep(question, inner.Query(question));
    }

    public Task<IDnsQueryResponse> QueryAsync(string query, QueryType queryType, QueryClass queryClass = QueryClass.IN, CancellationToken cancellationToken = default) =>
        QueryAsync(new DnsQuestion(query, queryType, queryClass), cancellationToken);

    public async Task<IDnsQueryResponse> QueryAsync(DnsQuestion question, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);
        return _answers.Get(question) ?? _answers.Keep(question, await inner.QueryAsync(question, cancellationToken).ConfigureAwait(false));
    }

    // Everything else passes through unchanged.

    public IDnsQueryResponse Query(DnsQuestion question, DnsQueryAndServerOptions queryOptions) => inner.Query(question, queryOptions);

    public Task<IDnsQueryResponse> QueryAsync(DnsQuestion question, DnsQueryAndServerOptions queryOptions, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(question, queryOptions, cancellationToken);

    public IDnsQueryResponse QueryCache(DnsQuestion question) => inner.QueryCache(question);

    public IDnsQueryResponse QueryCache(string query, QueryType queryType, QueryClass queryClass = QueryClass.IN) => inner.QueryCache(query, queryType, queryClass);

    public IDnsQueryResponse QueryReverse(IPAddress ipAddress) => inner.QueryReverse(ipAddress);

    public IDnsQueryResponse QueryReverse(IPAddress ipAddress, DnsQueryAndServerOptions queryOptions) => inner.QueryReverse(ipAddress, queryOptions);

    public Task<IDnsQueryResponse> QueryReverseAsync(IPAddress ipAddress, CancellationToken cancellationToken = default) => inner.QueryReverseAsync(ipAddress, cancellationToken);

    public Task<IDnsQueryResponse> QueryReverseAsync(IPAddress ipAddress, DnsQueryAndServerOptions queryOptions, CancellationToken cancellationToken = default) =>
        inner.QueryReverseAsync(ipAddress, queryOptions, cancellationToken);

    public IDnsQueryResponse QueryServer(IReadOnlyCollection<NameServer> servers, string query, QueryType queryType, QueryClass queryClass = QueryClass.IN) =>
        inner.QueryServer(servers, query, queryType, queryClass);

    public IDnsQueryResponse QueryServer(IReadOnlyCollection<NameServer> servers, DnsQuestion question) => inner.QueryServer(servers, question);

    public IDnsQueryResponse QueryServer(IReadOnlyCollection<NameServer> servers, DnsQuestion question, DnsQueryOptions queryOptions) =>
        inner.QueryServer(servers, question, queryOptions);

    public IDnsQueryResponse QueryServer(IReadOnlyCollection<IPEndPoint> servers, string query, QueryType queryType, QueryClass queryClass = QueryClass.IN) =>
        inner.QueryServer(servers, query, queryType, queryClass);

    public IDnsQueryResponse QueryServer(IReadOnlyCollection<IPAddress> servers, string query, QueryType queryType, QueryClass queryClass = QueryClass.IN) =>
        inner.QueryServer(servers, query, queryType, queryClass);

    public Task<IDnsQueryResponse> QueryServerAsync(IReadOnlyCollection<NameServer> servers, string query, QueryType queryType, QueryClass queryClass = QueryClass.IN, CancellationToken cancellationToken = default) =>
        inner.QueryServerAsync(servers, query, queryType, queryClass, cancellationToken);

    public Task<IDnsQueryResponse> QueryServerAsync(IReadOnlyCollection<NameServer> servers, DnsQuestion question, CancellationToken cancellationToken = default) =>
        inner.QueryServerAsync(servers, question, cancellationToken);

    public Task<IDnsQueryResponse> QueryServerAsync(IReadOnlyCollection<NameServer> servers, DnsQuestion question, DnsQueryOptions queryOptions, CancellationToken cancellationToken = default) =>
        inner.QueryServerAsync(servers, question, queryOptions, cancellationToken);

    public Task<IDnsQueryResponse> QueryServerAsync(IReadOnlyCollection<IPAddress> servers, string query, QueryType queryType, QueryClass queryClass = QueryClass.IN, CancellationToken cancellationToken = default) =>
        inner.QueryServerAsync(servers, query, queryType, queryClass, cancellationToken);

    public Task<IDnsQueryResponse> QueryServerAsync(IReadOnlyCollection<IPEndPoint> servers, string query, QueryType queryType, QueryClass queryClass = QueryClass.IN, CancellationToken cancellationToken = default) =>
        inner.QueryServerAsync(servers, query, queryType, queryClass, cancellationToken);

    public IDnsQueryResponse QueryServerReverse(IReadOnlyCollection<IPAddress> servers, IPAddress ipAddress) => inner.QueryServerReverse(servers, ipAddress);

    public IDnsQueryResponse QueryServerReverse(IReadOnlyCollection<IPEndPoint> servers, IPAddress ipAddress) => inner.QueryServerReverse(servers, ipAddress);

    public IDnsQueryResponse QueryServerReverse(IReadOnlyCollection<NameServer> servers, IPAddress ipAddress) => inner.QueryServerReverse(servers, ipAddress);

    public IDnsQueryResponse QueryServerReverse(IReadOnlyCollection<NameServer> servers, IPAddress ipAddress, DnsQueryOptions queryOptions) =>
        inner.QueryServerReverse(servers, ipAddress, queryOptions);

    public Task<IDnsQueryResponse> QueryServerReverseAsync(IReadOnlyCollection<IPAddress> servers, IPAddress ipAddress, CancellationToken cancellationToken = default) =>
        inner.QueryServerReverseAsync(servers, ipAddress, cancellationToken);

    public Task<IDnsQueryResponse> QueryServerReverseAsync(IReadOnlyCollection<IPEndPoint> servers, IPAddress ipAddress, CancellationToken cancellationToken = default) =>
        inner.QueryServerReverseAsync(servers, ipAddress, cancellationToken);

    public Task<IDnsQueryResponse> QueryServerReverseAsync(IReadOnlyCollection<NameServer> servers, IPAddress ipAddress, CancellationToken cancellationToken = default) =>
        inner.QueryServerReverseAsync(servers, ipAddress, cancellationToken);

    public Task<IDnsQueryResponse> QueryServerReverseAsync(IReadOnlyCollection<NameServer> servers, IPAddress ipAddress, DnsQueryOptions queryOptions, CancellationToken cancellationToken = default) =>
        inner.QueryServerReverseAsync(servers, ipAddress, queryOptions, cancellationToken);
}
