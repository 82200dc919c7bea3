using System.Net;
using CloudMail.Delivery;
using CloudMail.Filtering.Dns;
using CloudMail.Filtering.Spf;

namespace CloudMail.Filtering.Tests.Spf;

/// <summary>SPF against a real DNS server (dnsmasq on loopback) through DnsClient, as the server runs it.</summary>
public class SpfDnsmasqTests
{
    [Fact]
    public async Task Pass_fail_and_temperror_come_from_real_dns_answers()
    {
        await using var dns = await DnsmasqProcess.StartAsync(
            DnsmasqProcess.Txt("sender.test", "v=spf1 mx include:_spf.sender.test -all"),
            DnsmasqProcess.Mx("sender.test", "mail.sender.test"),
            DnsmasqProcess.Host("mail.sender.test", "192.0.2.25"),
            DnsmasqProcess.Txt("_spf.sender.test", "v=spf1 ip4:198.51.100.0/24 ip6:2001:db8:25::/48 ~all"),
            DnsmasqProcess.Txt("broken.test", "v=spf1 a:x.failing.test -all"),
            DnsmasqProcess.Failing("failing.test"));
        var lookup = DnsServiceCollectionExtensions.CreateLookupClient(new DnsOptions { Servers = [dns.Endpoint], Timeout = TimeSpan.FromSeconds(2), Retries = 0 });
        var spf = new SpfEvaluator(new LookupClientAuthenticationDns(lookup), TimeProvider.System, "mx.receiver.test");

        Assert.Equal(SpfResult.Pass, (await spf.CheckMailFromAsync(IPAddress.Parse("192.0.2.25"), "a@sender.test", "h", default)).Result);
        Assert.Equal(SpfResult.Pass, (await spf.CheckMailFromAsync(IPAddress.Parse("198.51.100.7"), "a@sender.test", "h", default)).Result);
        Assert.Equal(SpfResult.Pass, (await spf.CheckMailFromAsync(IPAddress.Parse("2001:db8:25::1"), "a@sender.test", "h", default)).Result);
        Assert.Equal(SpfResult.Fail, (await spf.CheckMailFromAsync(IPAddress.Parse("203.0.113.9"), "a@sender.test", "h", default)).Result);
        Assert.Equal(SpfResult.None, (await spf.CheckMailFromAsync(IPAddress.Parse("203.0.113.9"), "a@unknown.test", "h", default)).Result);
        Assert.Equal(SpfResult.TempError, (await spf.CheckMailFromAsync(IPAddress.Parse("203.0.113.9"), "a@broken.test", "h", default)).Result);
    }
}
