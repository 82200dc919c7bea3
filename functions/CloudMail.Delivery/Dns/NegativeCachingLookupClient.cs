using System.Net;
using DnsClient;

namespace CloudMail.Delivery.Dns;

/// <summary>
/// The process's shared <see cref="ILookupClient"/>: DnsClient's client (whose cache keeps positive answers for their
/// TTL) plus the negative caching of RFC 2308 that DnsClient lacks. Without it every "no such name" and "no such record"
/// was asked again on each use: per relayed message the MTA-STS TXT record and the AAAA records of the MX host, per
/// inbound message the DMARC and SPF records of domains that publish none.
/// </summary>
/// <remarks>
/// Only queries that run on the client's own settings are served from here (<c>QueryAsync(name, type, class)</c>,
/// <c>QueryAsync(question)</c> and their synchronous forms); a query with its own options (DANE's, which asks for DNSSEC
/// records, and keeps their answers itself), a query to named servers, a reverse lookup and a cache lookup go straight
/// through. What is kept and for how long: <see cref="AnswerTtl.Negative"/>; how many: <see cref="DnsAnswerCache"/>.
/// Errors other than a negative answer (server failure, refusal, timeout) are never kept: they are asked again.
/// </remarks>
public sealed class NegativeCachingLookupClient(ILookupClient inner, TimeProvider time) : ILookupClient
{
    private readonly DnsAnswerCache _negative = new(time, AnswerTtl.Negative);

    /// <summary>Negative answers held now (expired ones included until they are next looked up or swept).</summary>
    public int CachedNegativeAnswers => _negative.Count;

    public IReadOnlyCollection<NameServer> NameServers => inner.NameServers;

    public LookupClientSettings Settings => inner.Settings;

    public IDnsQueryResponse Query(string query, QueryType queryType, QueryClass queryClass = QueryClass.IN) =>
        Query(new DnsQuestion(query, queryType, queryClass));

    public IDnsQueryResponse Query(DnsQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (!inner.Settings.UseCache) return inner.Query(question);
        return _negative.Get(question) ?? _negative.Keep(question, inner.Query(question));
    }

    public Task<IDnsQueryResponse> QueryAsync(string query, QueryType queryType, QueryClass queryClass = QueryClass.IN, CancellationToken cancellationToken = default) =>
        QueryAsync(new DnsQuestion(query, queryType, queryClass), cancellationToken);

    public async Task<IDnsQueryResponse> QueryAsync(DnsQuestion question, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (!inner.Settings.UseCache) return await inner.QueryAsync(question, cancellationToken).ConfigureAwait(false);
        return _negative.Get(question) ?? _negative.Keep(question, await inner.QueryAsync(question, cancellationToken).ConfigureAwait(false));
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
