using CloudMail.Core.Dmarc;
using CloudMail.Core.DmarcReporting;
using CloudMail.Filtering.Dmarc;

namespace CloudMail.Filtering.Tests.Dmarc;

/// <summary>The DNS look-ups of DMARC reporting: the policy record and the external destination verification (RFC 7489 §7.1).</summary>
public sealed class DnsDmarcReportDnsTests
{
    private static DnsDmarcReportDns Dns(FakeDns fake) => new(fake, PublicSuffixList.Embedded());

    [Fact]
    public async Task The_policy_record_is_read_with_its_report_destinations()
    {
        var fake = new FakeDns().WithTxt("_dmarc.sender.test", "v=spf1 -all", "v=DMARC1; p=quarantine; rua=mailto:agg@reports.test!5m");

        var found = await Dns(fake).PolicyAsync("Sender.Test.", CancellationToken.None);

        Assert.False(found.TemporaryFailure);
        Assert.Equal(DmarcPolicy.Quarantine, found.Record!.Policy);
        Assert.Equal([new DmarcReportUri("agg@reports.test", 5L << 20)], found.Record.AggregateReportUris);
    }

    [Fact]
    public async Task No_record_is_none_and_a_resolver_failure_is_temporary()
    {
        var fake = new FakeDns();
        fake.Failing.Add("_dmarc.broken.test");

        Assert.Equal(new DmarcPolicyLookup(null), await Dns(fake).PolicyAsync("quiet.test", CancellationToken.None));
        Assert.Equal(new DmarcPolicyLookup(null, TemporaryFailure: true), await Dns(fake).PolicyAsync("broken.test", CancellationToken.None));
    }

    [Fact]
    public async Task A_destination_in_the_policy_domains_organization_needs_no_authorization_record()
    {
        var fake = new FakeDns();

        Assert.True(await Dns(fake).AcceptsReportsAsync("news.sender.test", "sender.test", CancellationToken.None));
        Assert.True(await Dns(fake).AcceptsReportsAsync("sender.test", "reports.sender.test", CancellationToken.None));
        Assert.Empty(fake.Queries);
    }

    [Fact]
    public async Task An_external_destination_accepts_reports_only_when_it_publishes_the_authorization_record()
    {
        var fake = new FakeDns()
            .WithTxt("sender.test._report._dmarc.reports.test", "v=DMARC1")
            .WithTxt("other.test._report._dmarc.reports.test", "v=spf1 -all");
        fake.Failing.Add("broken.test._report._dmarc.reports.test");

        Assert.True(await Dns(fake).AcceptsReportsAsync("sender.test", "reports.test", CancellationToken.None));
        Assert.False(await Dns(fake).AcceptsReportsAsync("other.test", "reports.test", CancellationToken.None));
        Assert.False(await Dns(fake).AcceptsReportsAsync("third.test", "reports.test", CancellationToken.None));
        Assert.Null(await Dns(fake).AcceptsReportsAsync("broken.test", "reports.test", CancellationToken.None));
        Assert.Contains("TXT sender.test._report._dmarc.reports.test", fake.Queries);
    }
}
