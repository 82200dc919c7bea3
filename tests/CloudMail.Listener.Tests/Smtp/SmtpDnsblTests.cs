using System.Net;
using CloudMail.Filtering.Dns;
using CloudMail.Listener.Network;
using CloudMail.Listener.Smtp.Dnsbl;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Tests.Shared;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>
/// DNS blocklists on port 25, answered by a real DNS server (dnsmasq on loopback): a listed client is refused at RCPT
/// with 554 5.7.1 naming the zone, may still write to postmaster, and is not checked on submission.
/// </summary>
public sealed class SmtpDnsblTests
{
    [Theory]
    [InlineData("192.0.2.7", "bl.test", "7.2.0.192.bl.test")]
    [InlineData("::ffff:192.0.2.7", "bl.test.", "7.2.0.192.bl.test")]
    [InlineData("2001:db8:1:2::ab", "bl.test", "b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl.test")]
    public void The_query_name_is_the_reversed_address_under_the_zone(string address, string zone, string expected) =>
        Assert.Equal(expected, DnsblQueryName.For(IPAddress.Parse(address), zone));

    [Theory]
    [InlineData("127.0.0.2", true)]
    [InlineData("127.0.0.10", true)]
    [InlineData("127.255.255.254", false)]
    [InlineData("10.0.0.1", false)]
    public void Only_127_answers_that_are_not_errors_are_listings(string answer, bool listing) =>
        Assert.Equal(listing, DnsblQueryName.IsListing(IPAddress.Parse(answer)));

    [Fact]
    public async Task A_listed_client_on_port_25_is_refused_at_rcpt_except_for_postmaster_and_an_unlisted_zone_changes_nothing()
    {
        await using var dns = await DnsmasqProcess.StartAsync(
            DnsmasqProcess.Host("1.0.0.127.listed.test", "127.0.0.2"),
            DnsmasqProcess.Host("1.0.0.127.errors.test", "127.255.255.254"));
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Dns:Servers:0"] = dns.Endpoint,
            ["CloudMail:Dnsbl:Zones:0"] = "clean.test",
            ["CloudMail:Dnsbl:Zones:1"] = "errors.test",
            ["CloudMail:Dnsbl:Zones:2"] = "listed.test",
        });
        string user = await SmtpServerFixture.NewUserAsync(server);
        await server.Get<CloudMail.Core.Directory.IMailDirectory>().AddAliasAsync("postmaster@" + TestServer.Domain, user, CancellationToken.None);

        await using var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal("554 5.7.1 Service unavailable; client host [127.0.0.1] blocked using listed.test",
            (await client.CommandAsync($"RCPT TO:<{user}>")).ToString());
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<postmaster@{TestServer.Domain}>")).Code);

        // Submission is for the server's own users: no blocklist there.
        await using var submission = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Submission));
        await submission.StartTlsAsync();
        Assert.Equal(250, (await submission.CommandAsync("EHLO client.test")).Code);
    }

    [Fact]
    public async Task A_client_no_zone_lists_is_served_and_a_dead_blocklist_fails_open()
    {
        await using var dns = await DnsmasqProcess.StartAsync(DnsmasqProcess.Failing("broken.test"));
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Dns:Servers:0"] = dns.Endpoint,
            ["CloudMail:Dnsbl:Zones:0"] = "clean.test",
            ["CloudMail:Dnsbl:Zones:1"] = "broken.test",
        });
        string user = await SmtpServerFixture.NewUserAsync(server);
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{user}>")).Code);
    }

    [Fact]
    public async Task A_not_listed_answer_is_reused_for_the_next_connection_from_the_same_address()
    {
        await using var dns = await DnsmasqProcess.StartAsync("--log-queries");
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Dns:Servers:0"] = dns.Endpoint,
            ["CloudMail:Dnsbl:Zones:0"] = "clean.test",
        });
        string user = await SmtpServerFixture.NewUserAsync(server);
        for (int session = 0; session < 3; session++)
        {
            await using var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
            Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
            Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{user}>")).Code);
        }
        // dnsmasq logs each query it receives: the blocklist was asked about 127.0.0.1 once, not once per connection.
        int Queries() => dns.Output.Split('\n').Count(line => line.Contains("query[A] 1.0.0.127.clean.test", StringComparison.Ordinal));
        for (int i = 0; i < 40 && Queries() == 0; i++) await Task.Delay(50);
        await Task.Delay(200);
        Assert.Equal(1, Queries());
    }
}
