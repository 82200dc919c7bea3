using CloudMail.Core.Dmarc;
using CloudMail.Filtering.Dkim;
using CloudMail.Filtering.Dmarc;
using CloudMail.Filtering.Spf;

namespace CloudMail.Filtering.Tests.Dmarc;

public class DmarcEvaluatorTests
{
    private static readonly SpfOutcome SpfPass = new(SpfResult.Pass, "bounces.sender.test", "test");
    private static readonly SpfOutcome SpfFail = new(SpfResult.Fail, "sender.test", "test");
    private static readonly DkimResult DkimPass = new("pass", "sender.test", "sel", false, "ok");

    private static DmarcEvaluator Evaluator(FakeDns dns, int percentile = 0) => new(dns, PublicSuffixList.Embedded(), () => percentile);

    [Fact]
    public async Task Relaxed_spf_alignment_passes_a_subdomain_and_strict_does_not()
    {
        var dns = new FakeDns().WithTxt("_dmarc.sender.test", "v=DMARC1; p=reject");
        Assert.Equal("pass", (await Evaluator(dns).EvaluateAsync("sender.test", SpfPass, [], default)).Result);
        dns.WithTxt("_dmarc.sender.test", "v=DMARC1; p=reject; aspf=s");
        var strict = await Evaluator(dns).EvaluateAsync("sender.test", SpfPass, [], default);
        Assert.Equal(("fail", DmarcPolicy.Reject), (strict.Result, strict.Applied));
    }

    [Fact]
    public async Task An_aligned_dkim_pass_saves_a_failing_spf()
    {
        var dns = new FakeDns().WithTxt("_dmarc.sender.test", "v=DMARC1; p=reject; adkim=s");
        Assert.Equal("pass", (await Evaluator(dns).EvaluateAsync("sender.test", SpfFail, [DkimPass], default)).Result);
        var unaligned = DkimPass with { Domain = "other.test" };
        Assert.Equal("fail", (await Evaluator(dns).EvaluateAsync("sender.test", SpfFail, [unaligned], default)).Result);
    }

    [Fact]
    public async Task A_subdomain_without_a_record_gets_the_organizational_domains_sp()
    {
        var dns = new FakeDns().WithTxt("_dmarc.sender.test", "v=DMARC1; p=reject; sp=quarantine");
        var outcome = await Evaluator(dns).EvaluateAsync("news.sender.test", SpfFail, [], default);
        Assert.Equal(("fail", DmarcPolicy.Quarantine), (outcome.Result, outcome.Applied));
        Assert.Contains("TXT _dmarc.news.sender.test", dns.Queries);
    }

    [Fact]
    public async Task Pct_applies_the_policy_to_the_sampled_share_and_the_next_milder_one_to_the_rest()
    {
        var dns = new FakeDns().WithTxt("_dmarc.sender.test", "v=DMARC1; p=reject; pct=30");
        Assert.Equal(DmarcPolicy.Reject, (await Evaluator(dns, percentile: 29).EvaluateAsync("sender.test", SpfFail, [], default)).Applied);
        Assert.Equal(DmarcPolicy.Quarantine, (await Evaluator(dns, percentile: 30).EvaluateAsync("sender.test", SpfFail, [], default)).Applied);
    }

    [Fact]
    public async Task No_record_is_none_and_a_dns_failure_is_a_temperror()
    {
        var dns = new FakeDns();
        Assert.Equal("none", (await Evaluator(dns).EvaluateAsync("sender.test", SpfFail, [], default)).Result);
        dns.Failing.Add("_dmarc.sender.test");
        Assert.Equal("temperror", (await Evaluator(dns).EvaluateAsync("sender.test", SpfFail, [], default)).Result);
        Assert.Equal("none", (await Evaluator(dns).EvaluateAsync(null, SpfFail, [], default)).Result);
    }
}
