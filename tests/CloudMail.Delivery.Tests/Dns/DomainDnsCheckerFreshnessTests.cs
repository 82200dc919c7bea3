using CloudMail.Core.DnsSetup;
using CloudMail.Delivery.DnsSetup;

namespace CloudMail.Delivery.Tests.Dns;

/// <summary>
/// <c>cloudmail dns check</c> and the admin API's check run inside the server on its shared resolver, whose caches keep
/// answers for delivery; the check itself must ask again each time. Against dnsmasq on loopback, authoritative for
/// <c>fresh.test</c> (negative answers with an SOA, so they would be cacheable), every query logged.
/// </summary>
public sealed class DomainDnsCheckerFreshnessTests
{
    [Fact]
    public async Task Each_check_asks_the_resolver_again_for_missing_and_published_records()
    {
        await using var dns = await DnsmasqLog.StartAuthoritativeAsync("fresh.test", DnsmasqProcess.Txt("fresh.test", "v=spf1 mx -all"));
        // One try of up to 15 s (as long as the default 5 s and 2 retries together): dnsmasq shares two cores with the
        // rest of the suite, and a retry would be one more query in the log that the test counts.
        var lookup = DnsServiceCollectionExtensions.CreateLookupClient(new DnsOptions { Servers = [dns.Endpoint], Timeout = TimeSpan.FromSeconds(15), Retries = 0 }, new ManualClock());
        var checker = new DomainDnsChecker(lookup);
        DnsRecordSpec[] expected =
        [
            new("fresh.test", DnsRecordType.Txt, "v=spf1 mx -all", "SPF"),
            new("_dmarc.fresh.test", DnsRecordType.Txt, "v=DMARC1; p=quarantine", "DMARC"),
        ];
        // The delivery path's lookups fill the shared caches first (a positive and a negative answer).
        await lookup.QueryAsync("fresh.test", DnsClient.QueryType.TXT);
        await lookup.QueryAsync("_dmarc.fresh.test", DnsClient.QueryType.TXT);

        for (int check = 0; check < 2; check++)
        {
            var statuses = await checker.CheckAsync(expected, CancellationToken.None);
            Assert.Equal([DnsRecordState.Ok, DnsRecordState.Missing], statuses.Select(s => s.State));
        }
        Assert.Equal(3, await DnsmasqLog.CountAsync(dns, "auth[TXT] fresh.test"));
        Assert.Equal(3, await DnsmasqLog.CountAsync(dns, "auth[TXT] _dmarc.fresh.test"));
    }
}
