using System.Net;
using CloudMail.Filtering.Spf;

namespace CloudMail.Filtering.Tests.Spf;

public class SpfEvaluatorTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");

    private static Task<SpfOutcome> Check(FakeDns dns, string mailFrom = "alice@example.com", IPAddress? ip = null, string helo = "mx.example.com") =>
        new SpfEvaluator(dns, TimeProvider.System, "mx.receiver.test").CheckMailFromAsync(ip ?? Client, mailFrom, helo, default);

    [Fact]
    public async Task A_domain_without_a_record_is_none_and_two_records_are_a_permerror()
    {
        Assert.Equal(SpfResult.None, (await Check(new FakeDns().WithTxt("example.com", "some other text"))).Result);
        Assert.Equal(SpfResult.PermError, (await Check(new FakeDns().WithTxt("example.com", "v=spf1 -all", "v=spf1 +all"))).Result);
    }

    [Theory]
    [InlineData("v=spf1 ip4:192.0.2.0/24 -all", SpfResult.Pass)]
    [InlineData("v=spf1 ip4:198.51.100.0/24 -all", SpfResult.Fail)]
    [InlineData("v=spf1 ip4:198.51.100.0/24 ~all", SpfResult.SoftFail)]
    [InlineData("v=spf1 ip4:198.51.100.0/24 ?all", SpfResult.Neutral)]
    [InlineData("v=spf1 ip4:198.51.100.0/24", SpfResult.Neutral)] // §4.7: nothing matched
    [InlineData("v=spf1 -ip4:192.0.2.10 +all", SpfResult.Fail)]
    [InlineData("v=spf1 a -all", SpfResult.Pass)]
    [InlineData("v=spf1 a:other.example.com/24 -all", SpfResult.Pass)]
    [InlineData("v=spf1 mx -all", SpfResult.Pass)]
    [InlineData("v=spf1 exists:%{ir}.allow.example.com -all", SpfResult.Pass)]
    [InlineData("v=spf1 ptr -all", SpfResult.Pass)]
    [InlineData("v=spf1 ptr:elsewhere.example -all", SpfResult.Fail)]
    [InlineData("v=spf1 include:_spf.example.net -all", SpfResult.Pass)]
    [InlineData("v=spf1 include:_fail.example.net ~all", SpfResult.SoftFail)] // a failing include is no match (§5.2)
    [InlineData("v=spf1 include:nothing.example.net -all", SpfResult.PermError)] // include of a domain without record
    [InlineData("v=spf1 redirect=_spf.example.net", SpfResult.Pass)]
    [InlineData("v=spf1 redirect=nothing.example.net", SpfResult.PermError)] // §6.1
    [InlineData("v=spf1 -all redirect=_spf.example.net", SpfResult.Fail)] // redirect only when nothing matched
    [InlineData("v=spf1 ip6:2001:db8::/32 -all", SpfResult.Fail)]
    [InlineData("v=spf1 bogus -all", SpfResult.PermError)]
    public async Task Evaluates_mechanisms_in_order(string record, SpfResult expected)
    {
        var dns = new FakeDns()
            .WithTxt("example.com", record)
            .WithA("example.com", "192.0.2.10")
            .WithA("other.example.com", "192.0.2.99")
            .WithA("mail.example.com", "192.0.2.10")
            .WithA("10.2.0.192.allow.example.com", "127.0.0.2")
            .WithA("host.example.com", "192.0.2.10")
            .WithTxt("_spf.example.net", "v=spf1 ip4:192.0.2.10 -all")
            .WithTxt("_fail.example.net", "v=spf1 -all");
        dns.Mx["example.com"] = ["mail.example.com"];
        dns.Ptr["192.0.2.10"] = ["host.example.com"];
        var outcome = await Check(dns);
        Assert.Equal(expected, outcome.Result);
    }

    [Fact]
    public async Task A_dns_failure_is_a_temperror()
    {
        var dns = new FakeDns().WithTxt("example.com", "v=spf1 a:broken.example.org -all");
        dns.Failing.Add("broken.example.org");
        Assert.Equal(SpfResult.TempError, (await Check(dns)).Result);
        dns.Failing.Add("example.com");
        Assert.Equal(SpfResult.TempError, (await Check(dns)).Result);
    }

    [Fact]
    public async Task The_eleventh_dns_mechanism_is_a_permerror()
    {
        // §4.6.4: ten DNS-querying terms (each here an "a" that answers) pass; an eleventh is a permerror.
        var dns = new FakeDns();
        for (int i = 0; i < 11; i++) dns.WithA($"h{i}.example.com", "198.51.100.1");
        dns.WithTxt("example.com", "v=spf1 " + string.Join(' ', Enumerable.Range(0, 10).Select(i => $"a:h{i}.example.com")) + " ip4:192.0.2.10 -all");
        Assert.Equal(SpfResult.Pass, (await Check(dns)).Result);
        dns.WithTxt("example.com", "v=spf1 " + string.Join(' ', Enumerable.Range(0, 11).Select(i => $"a:h{i}.example.com")) + " ip4:192.0.2.10 -all");
        var outcome = await Check(dns);
        Assert.Equal(SpfResult.PermError, outcome.Result);
        Assert.Contains("4.6.4", outcome.Reason);
    }

    [Fact]
    public async Task Lookups_in_includes_count_towards_the_same_limit()
    {
        var dns = new FakeDns().WithTxt("example.com", "v=spf1 include:a.example.net include:b.example.net -all");
        dns.WithTxt("a.example.net", "v=spf1 " + string.Join(' ', Enumerable.Range(0, 5).Select(i => $"a:h{i}.example.com")) + " -all");
        dns.WithTxt("b.example.net", "v=spf1 " + string.Join(' ', Enumerable.Range(5, 5).Select(i => $"a:h{i}.example.com")) + " -all");
        for (int i = 0; i < 10; i++) dns.WithA($"h{i}.example.com", "198.51.100.1");
        Assert.Equal(SpfResult.PermError, (await Check(dns)).Result); // 2 includes + 10 a = 12
    }

    [Fact]
    public async Task The_third_void_lookup_is_a_permerror()
    {
        var dns = new FakeDns().WithTxt("example.com", "v=spf1 a:v1.example.com a:v2.example.com ip4:192.0.2.10 -all");
        Assert.Equal(SpfResult.Pass, (await Check(dns)).Result);
        dns.WithTxt("example.com", "v=spf1 a:v1.example.com a:v2.example.com a:v3.example.com ip4:192.0.2.10 -all");
        Assert.Equal(SpfResult.PermError, (await Check(dns)).Result);
    }

    [Fact]
    public async Task An_mx_with_more_than_ten_names_is_a_permerror()
    {
        var dns = new FakeDns().WithTxt("example.com", "v=spf1 mx -all");
        dns.Mx["example.com"] = [.. Enumerable.Range(0, 11).Select(i => $"mx{i}.example.com")];
        Assert.Equal(SpfResult.PermError, (await Check(dns)).Result);
    }

    [Fact]
    public async Task A_redirect_loop_ends_in_permerror_not_a_hang()
    {
        var dns = new FakeDns().WithTxt("example.com", "v=spf1 redirect=example.com");
        Assert.Equal(SpfResult.PermError, (await Check(dns)).Result);
    }

    [Fact]
    public async Task A_fail_carries_the_expanded_explanation()
    {
        var dns = new FakeDns().WithTxt("example.com", "v=spf1 -all exp=explain.example.com")
            .WithTxt("explain.example.com", "%{i} is not one of %{d}'s designated mail servers.");
        var outcome = await Check(dns);
        Assert.Equal(SpfResult.Fail, outcome.Result);
        Assert.Equal("192.0.2.10 is not one of example.com's designated mail servers.", outcome.Explanation);
    }

    [Fact]
    public async Task The_null_sender_is_checked_as_postmaster_at_the_helo_name()
    {
        var dns = new FakeDns().WithTxt("mx.example.com", "v=spf1 exists:%{l}.%{o}.ok.example.com -all")
            .WithA("postmaster.mx.example.com.ok.example.com", "127.0.0.2");
        var outcome = await Check(dns, mailFrom: "");
        Assert.Equal((SpfResult.Pass, "mx.example.com"), (outcome.Result, outcome.Domain));
    }

    [Fact]
    public async Task An_ipv4_mapped_client_matches_ip4_and_an_ipv6_client_uses_aaaa()
    {
        var dns = new FakeDns().WithTxt("example.com", "v=spf1 ip4:192.0.2.10 a -all").WithA("example.com", "2001:db8::25");
        Assert.Equal(SpfResult.Pass, (await Check(dns, ip: IPAddress.Parse("::ffff:192.0.2.10"))).Result);
        Assert.Equal(SpfResult.Pass, (await Check(dns, ip: IPAddress.Parse("2001:db8::25"))).Result);
        Assert.Equal(SpfResult.Fail, (await Check(dns, ip: IPAddress.Parse("2001:db8::26"))).Result);
    }

    [Theory]
    [InlineData("alice@localhost")]
    [InlineData("alice@exa..mple.com")]
    public async Task A_domain_that_is_no_fqdn_is_none(string sender) =>
        Assert.Equal(SpfResult.None, (await Check(new FakeDns(), mailFrom: sender)).Result);
}
