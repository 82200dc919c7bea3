using CloudMail.Core.Dmarc;
using CloudMail.Filtering.Dkim;
using CloudMail.Filtering.Dmarc;
using CloudMail.Filtering.Results;
using CloudMail.Filtering.Spam;
using CloudMail.Filtering.Spf;

namespace CloudMail.Filtering.Tests.Spam;

public sealed class AuthenticationRulesTests
{
    private static readonly DmarcOutcome DmarcPass = new("pass", "sender.test", DmarcPolicy.Reject, DmarcPolicy.Reject, "aligned", "sender.test");

    private static AuthenticationReport Report(SpfResult spf = SpfResult.Pass, DkimResult[]? dkim = null, DmarcOutcome? dmarc = null, string arc = "none") =>
        new(new SpfOutcome(spf, "sender.test", "test"), "smtp.mailfrom=a@sender.test", dkim ?? [], dmarc ?? DmarcPass, arc, "");

    private static string[] Rules(AuthenticationReport report) => [.. AuthenticationRules.Evaluate(report).Select(h => $"{h.Rule}={h.Score:0.0}")];

    private static DkimResult Dkim(string result) => new(result, "sender.test", "sel", false, result == "pass" ? "" : "why");

    private static DmarcOutcome DmarcFail(DmarcPolicy applied) => new("fail", "sender.test", DmarcPolicy.Reject, applied, "not aligned", "sender.test");

    [Fact]
    public void Mail_that_passes_everything_gains_nothing_and_loses_nothing() =>
        Assert.Empty(Rules(Report(dkim: [Dkim("pass")], arc: "pass")));

    [Theory]
    [InlineData(SpfResult.Fail, "SPF_FAIL=1.0")]
    [InlineData(SpfResult.SoftFail, "SPF_SOFTFAIL=0.7")]
    public void Spf_failures_are_weighed(SpfResult spf, string rule) => Assert.Equal([rule], Rules(Report(spf)));

    [Theory]
    [InlineData(SpfResult.None)]
    [InlineData(SpfResult.Neutral)]
    [InlineData(SpfResult.TempError)]
    public void Spf_results_that_say_nothing_about_the_client_add_nothing(SpfResult spf) => Assert.Empty(Rules(Report(spf)));

    [Fact]
    public void Signatures_of_which_none_verifies_count_once_unless_only_dns_failed()
    {
        Assert.Equal(["DKIM_INVALID=1.0"], Rules(Report(dkim: [Dkim("fail"), Dkim("permerror")])));
        Assert.Empty(Rules(Report(dkim: [Dkim("fail"), Dkim("pass")])));
        Assert.Empty(Rules(Report(dkim: [Dkim("temperror")])));
    }

    [Theory]
    [InlineData(DmarcPolicy.None, "DMARC_FAIL=1.0")]
    [InlineData(DmarcPolicy.Quarantine, "DMARC_FAIL_QUARANTINE=3.0")]
    [InlineData(DmarcPolicy.Reject, "DMARC_FAIL_REJECT=4.0")]
    public void Dmarc_failure_is_weighed_by_the_policy_applied(DmarcPolicy applied, string rule) =>
        Assert.Equal([rule], Rules(Report(dmarc: DmarcFail(applied))));

    [Fact]
    public void A_broken_arc_chain_counts_and_everything_adds_up()
    {
        var all = AuthenticationRules.Evaluate(Report(SpfResult.Fail, [Dkim("fail")], DmarcFail(DmarcPolicy.Quarantine), "fail"));
        Assert.Equal(["SPF_FAIL", "DKIM_INVALID", "DMARC_FAIL_QUARANTINE", "ARC_FAIL"], all.Select(h => h.Rule));
        Assert.Equal(6.0, all.Sum(h => h.Score), 3);
    }

    [Fact]
    public void A_dmarc_result_other_than_fail_adds_nothing()
    {
        Assert.Empty(Rules(Report(dmarc: DmarcOutcome.Without("none", "sender.test", "no record"))));
        Assert.Empty(Rules(Report(dmarc: DmarcOutcome.Without("temperror", "sender.test", "dns"))));
    }
}
