using CloudMail.Core.Delivery;

namespace CloudMail.Delivery.Tests;

/// <summary>MX resolution against a real DNS server (dnsmasq on loopback) serving the records each case needs.</summary>
public sealed class MxResolverTests : IAsyncLifetime
{
    private DnsmasqProcess? _dns;
    private MxResolver _resolver = null!;
    private MxResolver _impatient = null!;

    public async Task InitializeAsync()
    {
        _dns = await DnsmasqProcess.StartAsync(
            DnsmasqProcess.Mx("pref.test", "mx2.pref.test", 20), DnsmasqProcess.Mx("pref.test", "mx1.pref.test", 10),
            DnsmasqProcess.Host("mx1.pref.test", "127.0.0.11"), DnsmasqProcess.Host("mx2.pref.test", "127.0.0.12"),
            DnsmasqProcess.Host("implicit.test", "127.0.0.13"),
            DnsmasqProcess.NullMx("nullmx.test"),
            DnsmasqProcess.Mx("cname.test", "alias.cname.test", 10), DnsmasqProcess.Cname("alias.cname.test", "real.cname.test"),
            DnsmasqProcess.Host("real.cname.test", "127.0.0.14"),
            DnsmasqProcess.Mx("noaddr.test", "ghost.noaddr.test", 10),
            DnsmasqProcess.Failing("broken.test"));
        // The default patience (5 s, 2 retries): dnsmasq shares two cores with the rest of the suite.
        _resolver = new MxResolver(DnsServiceCollectionExtensions.CreateLookupClient(new DnsOptions { Servers = [_dns.Endpoint] }));
        // For the lookup that must time out: one short try.
        _impatient = new MxResolver(DnsServiceCollectionExtensions.CreateLookupClient(
            new DnsOptions { Servers = [_dns.Endpoint], Timeout = TimeSpan.FromSeconds(1), Retries = 0 }));
    }

    public async Task DisposeAsync()
    {
        if (_dns is not null) await _dns.DisposeAsync();
    }

    private async Task<MxResolution> ResolveAsync(string domain) => await _resolver.ResolveAsync(domain, CancellationToken.None);

    [Fact]
    public async Task Hosts_come_in_preference_order_with_their_addresses()
    {
        var found = Assert.IsType<MxResolution.Found>(await ResolveAsync("pref.test"));
        Assert.Equal(["mx1.pref.test", "mx2.pref.test"], found.Hosts.Select(h => h.Name));
        Assert.Equal("127.0.0.11", Assert.Single(found.Hosts[0].Addresses).ToString());
    }

    [Fact]
    public async Task A_domain_without_MX_records_is_its_own_mail_host() =>
        Assert.Equal("implicit.test", Assert.Single(Assert.IsType<MxResolution.Found>(await ResolveAsync("implicit.test")).Hosts).Name);

    [Fact]
    public async Task A_null_MX_fails_permanently_with_556()
    {
        var failed = Assert.IsType<MxResolution.Failed>(await ResolveAsync("nullmx.test"));
        Assert.Equal(RecipientOutcome.Permanent, failed.Outcome);
        Assert.StartsWith("556 5.1.10", failed.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_domain_that_does_not_exist_fails_permanently()
    {
        var failed = Assert.IsType<MxResolution.Failed>(await ResolveAsync("nowhere.test"));
        Assert.Equal(RecipientOutcome.Permanent, failed.Outcome);
        Assert.StartsWith("550 5.1.2", failed.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_resolver_is_a_temporary_failure_never_a_bounce()
    {
        // broken.test's forwarder never answers.
        var failed = Assert.IsType<MxResolution.Failed>(await _impatient.ResolveAsync("broken.test", CancellationToken.None));
        Assert.Equal(RecipientOutcome.Transient, failed.Outcome);
        Assert.StartsWith("451 4.4.3", failed.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_MX_host_behind_a_CNAME_resolves_to_the_target_address() =>
        Assert.Equal("127.0.0.14", Assert.Single(Assert.Single(Assert.IsType<MxResolution.Found>(await ResolveAsync("cname.test")).Hosts).Addresses).ToString());

    [Fact]
    public async Task MX_hosts_without_addresses_are_a_temporary_failure() =>
        Assert.Equal(RecipientOutcome.Transient, Assert.IsType<MxResolution.Failed>(await ResolveAsync("noaddr.test")).Outcome);
}
