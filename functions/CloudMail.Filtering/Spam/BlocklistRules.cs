using System.Net;
using CloudMail.Filtering.Dmarc;
using CloudMail.Filtering.Dns;
using MimeKit;

namespace CloudMail.Filtering.Spam;

/// <summary>
/// The blocklist rules of spam scoring (RFC 5782): the client address asked of every
/// <see cref="SpamOptions.IpBlocklists"/> zone (<c>RCVD_IN_ZONE</c>), and the sites the message links to
/// (<see cref="LinkDomains"/>, at most <see cref="SpamOptions.MaxUriLookups"/>) asked of every
/// <see cref="SpamOptions.UriBlocklists"/> zone (<c>URIBL_ZONE</c>, once per zone however many links it lists). All
/// queries run at once through the shared resolver and are waited for at most <see cref="SpamOptions.BlocklistTimeout"/>;
/// a query that fails, times out, or answers with one of the 127.255.255.0/24 error codes lists nothing (a broken
/// blocklist must not make mail spam). Never throws for DNS or message content.
/// </summary>
public sealed class BlocklistRules(SpamOptions options, IAuthenticationDns dns, PublicSuffixList suffixes)
{
    /// <summary>True when there is at least one zone to ask.</summary>
    public bool Enabled => options.IpBlocklists.Count > 0 || options.UriBlocklists.Count > 0;

    public async Task<IReadOnlyList<SpamHit>> EvaluateAsync(IPAddress? client, MimeMessage message, CancellationToken cancellationToken)
    {
        if (!Enabled) return [];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.BlocklistTimeout);
        List<(SpamHit Rule, Task<bool> Query)> ipLookups = client is null ? [] : options.IpBlocklists
            .Select(zone => (Rule: new SpamHit(zone.RuleName("RCVD_IN_"), zone.Score), Query: ListedAsync(DnsblQueryName.For(client, zone.Zone), timeout.Token)))
            .ToList();
        IReadOnlyList<string> sites = options.UriBlocklists.Count == 0 ? [] : LinkDomains.Of(message, suffixes, options.MaxUriLookups);
        var uriLookups = options.UriBlocklists
            .Select(zone => (Rule: new SpamHit(zone.RuleName("URIBL_"), zone.Score),
                Query: AnyListedAsync(sites.Select(site => QueryName(site, zone.Zone)), timeout.Token)))
            .ToList();
        var hits = new List<SpamHit>();
        foreach (var (rule, query) in ipLookups.Concat(uriLookups))
        {
            if (await query.ConfigureAwait(false) && !hits.Any(h => h.Rule == rule.Rule)) hits.Add(rule);
        }
        cancellationToken.ThrowIfCancellationRequested();
        return hits;
    }

    /// <summary>An IPv4 literal is asked reversed (as SURBL and Spamhaus DBL expect), a domain as it is.</summary>
    private static string QueryName(string site, string zone) =>
        IPAddress.TryParse(site, out var address) ? DnsblQueryName.For(address, zone) : DnsblQueryName.ForDomain(site, zone);

    private async Task<bool> AnyListedAsync(IEnumerable<string> names, CancellationToken cancellationToken)
    {
        bool[] listed = await Task.WhenAll(names.Select(name => ListedAsync(name, cancellationToken))).ConfigureAwait(false);
        return listed.Any(l => l);
    }

    private async Task<bool> ListedAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await dns.AddressesAsync(name, ipv6: false, cancellationToken).ConfigureAwait(false);
            return answer.Status == DnsStatus.Found && answer.Records.Any(DnsblQueryName.IsListing);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
