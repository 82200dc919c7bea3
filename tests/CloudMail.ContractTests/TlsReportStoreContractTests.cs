using CloudMail.Core.TlsReporting;

namespace CloudMail.ContractTests;

/// <summary>
/// The <see cref="ITlsReportStore"/> contract: per (policy domain, UTC day, policy) session counts with failure details,
/// and the day bookkeeping of <see cref="DailyReportStoreContractTests{TStore}"/>.
/// </summary>
public abstract class TlsReportStoreContractTests : DailyReportStoreContractTests<ITlsReportStore>
{
    protected override Task CountAsync(DateOnly day, string domain, int variant) =>
        Store.RecordAsync(day, variant == 0 ? new TlsSessionResult(Sts(domain)) : new TlsSessionResult(Sts(domain), Expired()), Ct);

    protected override async Task<int> RowsAsync(string domain, DateOnly day) => (await Store.GetAsync(domain, day, Ct)).Count;

    private static TlsReportPolicy Sts(string domain) => new(TlsPolicyType.Sts, domain,
        ["version: STSv1", "mode: enforce", "mx: mx.example.net", "max_age: 86400"], ["mx.example.net"]);

    private static TlsFailureDetail Expired(string ip = "192.0.2.1") =>
        new(TlsResultTypes.CertificateExpired, "198.51.100.7", "mx.example.net", ip);

    private async Task RecordAsync(DateOnly day, TlsSessionResult session, int times)
    {
        for (int i = 0; i < times; i++) await Store.RecordAsync(day, session, Ct);
    }

    [Fact]
    public async Task Successes_and_failures_of_a_policy_are_counted_with_their_details()
    {
        DateOnly day = FreshDay();
        string domain = Unique.Domain();
        TlsReportPolicy policy = Sts(domain);
        await RecordAsync(day, new TlsSessionResult(policy), 3);
        await RecordAsync(day, new TlsSessionResult(policy, Expired()), 2);
        await RecordAsync(day, new TlsSessionResult(policy, Expired("192.0.2.2")), 1);

        var tally = Assert.Single(await Store.GetAsync(domain, day, Ct));

        Assert.Equal(policy, tally.Policy);
        Assert.Equal(3, tally.Successes);
        Assert.Equal(3, tally.Failures);
        Assert.Equal([(Expired(), 2L), (Expired("192.0.2.2"), 1L)], tally.Details.Select(d => (d.Detail, d.Sessions)));
    }

    [Fact]
    public async Task Policies_domains_and_days_are_kept_apart()
    {
        DateOnly day = FreshDay();
        string domain = Unique.Domain(), other = Unique.Domain();
        var failure = new TlsFailureDetail(TlsResultTypes.StartTlsNotSupported, null, "mx.example.net", "192.0.2.9", "no STARTTLS");
        await RecordAsync(day, new TlsSessionResult(Sts(domain)), 1);
        await RecordAsync(day, new TlsSessionResult(TlsReportPolicy.None(domain), failure), 2);
        await RecordAsync(day, new TlsSessionResult(TlsReportPolicy.None(other)), 5);
        await RecordAsync(day.AddDays(1), new TlsSessionResult(Sts(domain)), 7);

        var tallies = await Store.GetAsync(domain.ToUpperInvariant(), day, Ct);

        Assert.Equal([TlsPolicyType.Sts, TlsPolicyType.NoPolicyFound], tallies.Select(t => t.Policy.Type).Order());
        var none = Assert.Single(tallies, t => t.Policy.Type == TlsPolicyType.NoPolicyFound);
        Assert.Equal((0L, 2L), (none.Successes, none.Failures));
        Assert.Equal(failure, Assert.Single(none.Details).Detail);
        Assert.Empty(none.Policy.PolicyStrings);
        var sts = Assert.Single(tallies, t => t.Policy.Type == TlsPolicyType.Sts);
        Assert.Equal((1L, 0L), (sts.Successes, sts.Failures));
        Assert.Empty(sts.Details);
    }

    [Fact]
    public async Task A_domain_without_data_has_no_tallies()
    {
        Assert.Empty(await Store.GetAsync(Unique.Domain(), FreshDay(), Ct));
    }

    [Fact]
    public async Task Concurrent_counts_are_not_lost()
    {
        DateOnly day = FreshDay();
        string domain = Unique.Domain();
        TlsReportPolicy policy = Sts(domain);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Store.RecordAsync(day, i % 2 == 0 ? new TlsSessionResult(policy) : new TlsSessionResult(policy, Expired()), Ct)));

        var tally = Assert.Single(await Store.GetAsync(domain, day, Ct));
        Assert.Equal((8L, 8L), (tally.Successes, tally.Failures));
        Assert.Equal(8, Assert.Single(tally.Details).Sessions);
    }
}
