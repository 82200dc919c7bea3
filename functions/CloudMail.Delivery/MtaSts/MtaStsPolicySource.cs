using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery.MtaSts;

/// <summary>
/// The MTA-STS policy of a recipient domain (RFC 8461): the <c>_mta-sts</c> TXT record (§3.1) says whether one exists
/// and its id; the policy comes over HTTPS from <c>https://mta-sts.DOMAIN/.well-known/mta-sts.txt</c> (§3.3: verified
/// certificate, no redirects, 200 only) and is cached for its max_age while the id stays the same (§5.1). A failed
/// lookup or fetch keeps a cached unexpired policy, else the domain is treated as having none (§5: delivery goes on).
/// Host names are resolved through CloudMail's resolver, like every other lookup.
/// </summary>
public sealed partial class MtaStsPolicySource : IDisposable
{
    private const int MaxPolicyBytes = 64 * 1024;

    /// <summary>Domains whose policy is kept; beyond it the expired go, then the soonest to expire (see <see cref="Trim"/>).</summary>
    public const int MaxCachedPolicies = 10_000;
    private readonly ILookupClient _dns;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger<MtaStsPolicySource> _logger;
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.OrdinalIgnoreCase);

    public MtaStsPolicySource(ILookupClient dns, TlsTrust trust, IOptions<OutboundTlsOptions> options, ILogger<MtaStsPolicySource> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(options);
        _dns = dns;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectCallback = ConnectAsync,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = trust.Verify;
        _http = new HttpClient(handler) { Timeout = options.Value.MtaStsFetchTimeout, MaxResponseContentBufferSize = MaxPolicyBytes };
    }

    private sealed record Cached(string Id, MtaStsPolicy Policy, DateTimeOffset Expires);

    /// <summary>The policy that applies to <paramref name="domain"/> now, or null when it has none (or it cannot be had).</summary>
    public async Task<MtaStsPolicy?> GetAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var now = _time.GetUtcNow();
        Cached? cached = _cache.TryGetValue(domain, out var c) && c.Expires > now ? c : null;
        string? id = await PolicyIdAsync(domain, cancellationToken).ConfigureAwait(false);
        if (id is null || id == cached?.Id) return cached?.Policy;
        var policy = await FetchAsync(domain, cancellationToken).ConfigureAwait(false);
        if (policy is null) return cached?.Policy;
        if (_cache.Count >= MaxCachedPolicies && !_cache.ContainsKey(domain)) Trim(_cache, c => c.Expires, now, MaxCachedPolicies);
        _cache[domain] = new Cached(id, policy, now + policy.MaxAge);
        return policy;
    }

    /// <summary>Domains with a cached policy (expired ones included until a trim), for diagnostics and tests.</summary>
    public int CachedPolicies => _cache.Count;

    /// <summary>
    /// Bounds <paramref name="cache"/> below <paramref name="max"/> entries: drops the expired ones, then, if that was not
    /// enough, the quarter of the rest that expires soonest (a policy forgotten early is fetched again at the next
    /// delivery to its domain; only its protection against a downgrade while the fetch fails is lost, RFC 8461 §5.1).
    /// </summary>
    public static void Trim<T>(ConcurrentDictionary<string, T> cache, Func<T, DateTimeOffset> expires, DateTimeOffset now, int max)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(expires);
        foreach (var entry in cache)
        {
            if (expires(entry.Value) <= now) cache.TryRemove(entry);
        }
        if (cache.Count < max) return;
        foreach (var entry in cache.OrderBy(e => expires(e.Value)).Take(Math.Max(cache.Count - max * 3 / 4, 1)).ToList())
        {
            cache.TryRemove(entry);
        }
    }

    /// <summary>The id of the one <c>v=STSv1</c> TXT record (RFC 8461 §3.1), or null (none, several, or a DNS failure).</summary>
    private async Task<string?> PolicyIdAsync(string domain, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _dns.QueryAsync("_mta-sts." + domain, QueryType.TXT, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException)
        {
            return null;
        }
        var records = response.Answers.TxtRecords().Select(t => string.Concat(t.Text))
            .Where(t => t.StartsWith("v=STSv1", StringComparison.Ordinal) && (t.Length == 7 || t[7] is ';' or ' ')).ToList();
        if (records.Count != 1) return null;
        foreach (string field in records[0].Split(';'))
        {
            string[] kv = field.Trim().Split('=', 2);
            if (kv is ["id", { Length: >= 1 and <= 32 } value] && value.All(char.IsAsciiLetterOrDigit)) return value;
        }
        return null;
    }

    private async Task<MtaStsPolicy?> FetchAsync(string domain, CancellationToken cancellationToken)
    {
        var uri = new Uri($"https://mta-sts.{domain}/.well-known/mta-sts.txt");
        try
        {
            using var response = await _http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/plain")
            {
                LogFetchFailed(domain, $"HTTP {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
                return null;
            }
            var policy = MtaStsPolicy.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            if (policy is null) LogFetchFailed(domain, "not a valid STSv1 policy");
            return policy;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException
                                   || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogFetchFailed(domain, e.Message);
            return null;
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : (await _dns.GetHostEntryAsync(host).ConfigureAwait(false))?.AddressList ?? [];
        var errors = new List<Exception>();
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                errors.Add(e);
            }
        }
        throw new HttpRequestException($"no address of {host} accepted a connection", errors.Count > 0 ? new AggregateException(errors) : null);
    }

    public void Dispose() => _http.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "MTA-STS policy of {Domain} could not be fetched: {Reason}")]
    private partial void LogFetchFailed(string domain, string reason);
}
