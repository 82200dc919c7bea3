using CloudMail.Core.Dmarc;
using CloudMail.Core.DmarcReporting;

namespace CloudMail.ContractTests;

/// <summary>
/// The <see cref="IDmarcReportStore"/> contract: per (policy domain, UTC day, message result) message counts read back with
/// every field, and the day bookkeeping of <see cref="DailyReportStoreContractTests{TStore}"/>.
/// </summary>
public abstract class DmarcReportStoreContractTests : DailyReportStoreContractTests<IDmarcReportStore>
{
    protected override Task CountAsync(DateOnly day, string domain, int variant) =>
        Store.RecordAsync(day, variant == 0 ? Passing(domain) : Rejected(domain), Ct);

    protected override async Task<int> RowsAsync(string domain, DateOnly day) => (await Store.GetAsync(domain, day, Ct)).Count;

    private static DmarcMessageResult Passing(string domain, string ip = "192.0.2.1") => new(domain, ip, domain, "bounces." + domain,
        DmarcPolicy.None, DkimAligned: true, SpfAligned: true,
        [new DmarcDkimResult(domain, "sel", "pass"), new DmarcDkimResult("esp.example", "s2", "fail")], new DmarcSpfResult("bounces." + domain, "mfrom", "pass"));

    private static DmarcMessageResult Rejected(string domain, string ip = "198.51.100.9") => new(domain, ip, "news." + domain, "",
        DmarcPolicy.Reject, DkimAligned: false, SpfAligned: false, [], new DmarcSpfResult("helo.example", "helo", "softfail"));

    private async Task RecordAsync(DateOnly day, DmarcMessageResult result, int times)
    {
        for (int i = 0; i < times; i++) await Store.RecordAsync(day, result, Ct);
    }

    [Fact]
    public async Task Equal_results_are_counted_in_one_row_and_read_back_with_every_field()
    {
        DateOnly day = FreshDay();
        string domain = Unique.Domain();
        await RecordAsync(day, Passing(domain), 3);
        await RecordAsync(day, Rejected(domain), 2);

        var rows = await Store.GetAsync(domain, day, Ct);

        Assert.Equal(2, rows.Count);
        DmarcResultCount passing = Assert.Single(rows, r => r.Result.SourceIp == "192.0.2.1");
        Assert.Equal(3, passing.Messages);
        DmarcMessageResult p = passing.Result;
        Assert.Equal((domain, domain, "bounces." + domain, DmarcPolicy.None, true, true), (p.PolicyDomain, p.HeaderFrom, p.EnvelopeFrom, p.Disposition, p.DkimAligned, p.SpfAligned));
        Assert.Equal([new DmarcDkimResult(domain, "sel", "pass"), new DmarcDkimResult("esp.example", "s2", "fail")], p.Dkim);
        Assert.Equal(new DmarcSpfResult("bounces." + domain, "mfrom", "pass"), p.Spf);
        DmarcResultCount rejected = Assert.Single(rows, r => r.Result.SourceIp == "198.51.100.9");
        Assert.Equal(2, rejected.Messages);
        Assert.Equal(Rejected(domain), rejected.Result);
        Assert.Equal(("", DmarcPolicy.Reject, false, false), (rejected.Result.EnvelopeFrom, rejected.Result.Disposition, rejected.Result.DkimAligned, rejected.Result.SpfAligned));
        Assert.Empty(rejected.Result.Dkim);
        Assert.Equal(new DmarcSpfResult("helo.example", "helo", "softfail"), rejected.Result.Spf);
    }

    [Fact]
    public async Task Override_reasons_are_read_back_and_keep_a_row_of_their_own()
    {
        DateOnly day = FreshDay();
        string domain = Unique.Domain();
        DmarcMessageResult plain = Rejected(domain) with { Disposition = DmarcPolicy.None };
        DmarcMessageResult sampled = plain with
        {
            Reasons = [new DmarcOverrideReason(DmarcOverride.SampledOut, "not in the pct= sample"), new DmarcOverrideReason(DmarcOverride.TrustedForwarder)],
        };
        await RecordAsync(day, plain, 1);
        await RecordAsync(day, sampled, 2);

        var rows = await Store.GetAsync(domain, day, Ct);

        Assert.Equal(2, rows.Count);
        Assert.Empty(Assert.Single(rows, r => r.Messages == 1).Result.OverrideReasons);
        DmarcMessageResult read = Assert.Single(rows, r => r.Messages == 2).Result;
        Assert.Equal(sampled.OverrideReasons, read.OverrideReasons);
        Assert.Equal(sampled.Key, read.Key);
    }

    [Fact]
    public async Task Rows_are_sorted_by_source_address_and_domains_and_days_are_kept_apart()
    {
        DateOnly day = FreshDay();
        string domain = Unique.Domain(), other = Unique.Domain();
        await RecordAsync(day, Passing(domain, "203.0.113.5"), 1);
        await RecordAsync(day, Passing(domain, "192.0.2.7"), 1);
        await RecordAsync(day, Passing(other), 4);
        await RecordAsync(day.AddDays(1), Passing(domain), 7);

        var rows = await Store.GetAsync(domain.ToUpperInvariant(), day, Ct);

        Assert.Equal(["192.0.2.7", "203.0.113.5"], rows.Select(r => r.Result.SourceIp));
        Assert.All(rows, r => Assert.Equal(1, r.Messages));
        Assert.Equal(4, Assert.Single(await Store.GetAsync(other, day, Ct)).Messages);
        Assert.Equal(7, Assert.Single(await Store.GetAsync(domain, day.AddDays(1), Ct)).Messages);
    }

    [Fact]
    public async Task A_domain_without_data_has_no_rows()
    {
        Assert.Empty(await Store.GetAsync(Unique.Domain(), FreshDay(), Ct));
    }

    [Fact]
    public async Task Concurrent_counts_are_not_lost()
    {
        DateOnly day = FreshDay();
        string domain = Unique.Domain();

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Store.RecordAsync(day, i % 2 == 0 ? Passing(domain) : Rejected(domain), Ct)));

        var rows = await Store.GetAsync(domain, day, Ct);
        Assert.Equal([8L, 8L], rows.Select(r => r.Messages));
    }
}
