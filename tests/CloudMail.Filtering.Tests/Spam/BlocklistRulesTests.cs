using System.Net;
using System.Text;
using CloudMail.Filtering.Dmarc;
using CloudMail.Filtering.Spam;
using MimeKit;

namespace CloudMail.Filtering.Tests.Spam;

/// <summary>The blocklist rules over the table-driven DNS seam (the end-to-end case against dnsmasq is in SpamFilingTests).</summary>
public sealed class BlocklistRulesTests
{
    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.9");

    private static MimeMessage Message(string body) =>
        MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes("From: a@remote.test\r\nSubject: x\r\n\r\n" + body + "\r\n")));

    private static SpamOptions Options(int maxUriLookups = 20) => new()
    {
        IpBlocklists = [new() { Zone = "bl.test", Score = 2.5 }, new() { Zone = "pbl.test." }],
        UriBlocklists = [new() { Zone = "dbl.test", Score = 4 }],
        MaxUriLookups = maxUriLookups,
    };

    private static async Task<string[]> RulesAsync(FakeDns dns, string body, SpamOptions? options = null, IPAddress? client = null) =>
        [.. (await new BlocklistRules(options ?? Options(), dns, PublicSuffixList.Embedded()).EvaluateAsync(client ?? Client, Message(body), CancellationToken.None))
            .Select(h => $"{h.Rule}={h.Score:0.0}")];

    [Fact]
    public async Task A_listed_client_and_a_listed_linked_site_each_add_their_zones_weight_once()
    {
        var dns = new FakeDns().WithA("9.113.0.203.bl.test", "127.0.0.2").WithA("evil.test.dbl.test", "127.0.1.2").WithA("192.0.2.7".Split('.').Reverse().Aggregate((a, b) => a + "." + b) + ".dbl.test", "127.0.1.2");
        string[] rules = await RulesAsync(dns, "http://www.evil.test/a http://shop.evil.test/b http://192.0.2.7/c http://fine.test/");
        Assert.Equal(["RCVD_IN_BL_TEST=2.5", "URIBL_DBL_TEST=4.0"], rules);
        Assert.Contains("A 9.113.0.203.pbl.test", dns.Queries);
        Assert.Contains("A fine.test.dbl.test", dns.Queries);
        Assert.Single(dns.Queries, q => q == "A evil.test.dbl.test"); // one query per site, however many links
    }

    [Fact]
    public async Task Error_codes_failures_and_other_answers_list_nothing()
    {
        var dns = new FakeDns().WithA("9.113.0.203.bl.test", "127.255.255.254").WithA("9.113.0.203.pbl.test", "192.0.2.1").WithA("evil.test.dbl.test", "127.255.255.252");
        dns.Failing.Add("other.test.dbl.test");
        Assert.Empty(await RulesAsync(dns, "http://evil.test/ http://other.test/"));
    }

    [Fact]
    public async Task An_ipv6_client_is_asked_by_nibbles_and_the_site_limit_holds()
    {
        var dns = new FakeDns();
        await RulesAsync(dns, "http://a.test/ http://b.test/ http://c.test/", Options(maxUriLookups: 2), IPAddress.Parse("2001:db8::1"));
        Assert.Contains("A 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test", dns.Queries);
        Assert.Equal(["A a.test.dbl.test", "A b.test.dbl.test"], dns.Queries.Where(q => q.EndsWith(".dbl.test", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("zen.spamhaus.org", "RCVD_IN_ZEN_SPAMHAUS_ORG")]
    [InlineData("multi.uribl-test.com.", "RCVD_IN_MULTI_URIBL_TEST_COM")]
    public void Rule_names_follow_the_zone(string zone, string rule) => Assert.Equal(rule, new SpamBlocklist { Zone = zone }.RuleName("RCVD_IN_"));

    [Fact]
    public void Bad_zones_and_weights_are_reported_at_start()
    {
        var options = new SpamOptions { IpBlocklists = [new() { Zone = ".bad" }], UriBlocklists = [new() { Zone = "ok.test", Score = 0 }], MaxUriLookups = 0 };
        Assert.Equal(["CloudMail:Spam:MaxUriLookups must be between 1 and 100", "CloudMail:Spam:IpBlocklists:0:Zone '.bad' is not a DNS zone",
            "CloudMail:Spam:UriBlocklists:0:Score must be positive"], options.Problems());
    }
}
