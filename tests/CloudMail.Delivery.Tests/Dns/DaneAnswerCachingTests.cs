using CloudMail.Delivery.Dane;

namespace CloudMail.Delivery.Tests.Dns;

/// <summary>
/// DANE's DNSSEC queries (DO bit) bypass DnsClient's cache, whose keys ignore the DO bit; <see cref="DaneTlsaSource"/>
/// keeps their answers itself. Against dnsmasq on loopback, authoritative for <c>dane.test</c> (SOA TTL and MINIMUM
/// 300 s), every query it receives logged.
/// </summary>
public sealed class DaneAnswerCachingTests
{
    [Fact]
    public async Task The_mx_and_tlsa_answers_of_a_destination_are_asked_once_per_ttl_not_once_per_message()
    {
        await using var dns = await DnsmasqLog.StartAuthoritativeAsync("dane.test", DnsmasqProcess.Mx("dane.test", "mx.dane.test"), DnsmasqProcess.Host("mx.dane.test", "127.0.0.5"));
        var clock = new ManualClock();
        // One try of up to 15 s (as long as the default 5 s and 2 retries together): dnsmasq shares two cores with the
        // rest of the suite, and a retry would be one more query in the log that the test counts.
        var lookup = DnsServiceCollectionExtensions.CreateLookupClient(new DnsOptions { Servers = [dns.Endpoint], Timeout = TimeSpan.FromSeconds(15), Retries = 0 }, clock);
        var dane = new DaneTlsaSource(lookup, clock);

        for (int message = 0; message < 3; message++)
        {
            Assert.False(await dane.IsMxSecureAsync("dane.test", CancellationToken.None)); // dnsmasq does not sign: no AD bit
            Assert.IsType<DaneTlsa.NotApplicable>(await dane.ForHostAsync("mx.dane.test", CancellationToken.None)); // NXDOMAIN
        }
        Assert.Equal(1, await DnsmasqLog.CountAsync(dns, "auth[MX] dane.test"));
        Assert.Equal(1, await DnsmasqLog.CountAsync(dns, "auth[TLSA] _25._tcp.mx.dane.test"));

        clock.Now += TimeSpan.FromSeconds(301);
        Assert.False(await dane.IsMxSecureAsync("dane.test", CancellationToken.None));
        Assert.IsType<DaneTlsa.NotApplicable>(await dane.ForHostAsync("mx.dane.test", CancellationToken.None));
        Assert.Equal(2, await DnsmasqLog.CountAsync(dns, "auth[MX] dane.test"));
        Assert.Equal(2, await DnsmasqLog.CountAsync(dns, "auth[TLSA] _25._tcp.mx.dane.test"));
    }
}
