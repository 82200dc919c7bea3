using CloudMail.Core.Dmarc;
using CloudMail.Filtering.Dkim;
using CloudMail.Filtering.Dmarc;
using CloudMail.Filtering.Results;
using CloudMail.Filtering.Spf;

namespace CloudMail.Filtering.Tests.Results;

public class AuthenticationResultsTests
{
    [Fact]
    public void Writes_one_field_with_a_method_per_line()
    {
        var report = new AuthenticationReport(
            new SpfOutcome(SpfResult.Pass, "sender.test", "matched ip4"), "smtp.mailfrom=alice@sender.test",
            [new DkimResult("pass", "sender.test", "sel", false, "ok"), new DkimResult("fail", "other.test", "s1", false, "signature expired")],
            new DmarcOutcome("pass", "sender.test", DmarcPolicy.Reject, DmarcPolicy.None, "aligned"), "none", "");
        Assert.Equal(
            "Authentication-Results: mx.receiver.test;\r\n" +
            "\tspf=pass (matched ip4) smtp.mailfrom=alice@sender.test;\r\n" +
            "\tdkim=pass header.d=sender.test header.s=sel;\r\n" +
            "\tdkim=fail reason=\"signature expired\" header.d=other.test header.s=s1;\r\n" +
            "\tdmarc=pass (p=reject) header.from=sender.test;\r\n" +
            "\tarc=none\r\n",
            AuthenticationResults.Format("mx.receiver.test", report));
    }

    [Fact]
    public void Without_signatures_or_from_it_says_none()
    {
        var report = new AuthenticationReport(new SpfOutcome(SpfResult.None, "h.test", "no SPF record"), "smtp.helo=h.test", [],
            DmarcOutcome.Without("none", "", "no From"), "fail", "seal (did) not verify");
        string field = AuthenticationResults.Format("mx", report);
        Assert.Contains("dkim=none;", field);
        Assert.Contains("\tdmarc=none;", field);
        Assert.Contains("arc=fail reason=\"seal (did) not verify\"", field);
    }

    [Theory]
    [InlineData("Authentication-Results: mx.receiver.test; spf=pass", true)]
    [InlineData("authentication-results:MX.Receiver.Test;dkim=pass", true)]
    [InlineData("Authentication-Results: (comment) mx.receiver.test (more) 1; none", true)]
    [InlineData("Authentication-Results: mx.receiver.test.evil; spf=pass", false)]
    [InlineData("Authentication-Results: other.example; spf=pass smtp.mailfrom=mx.receiver.test", false)]
    [InlineData("ARC-Authentication-Results: i=1; mx.receiver.test; spf=pass", false)]
    [InlineData("Subject: mx.receiver.test", false)]
    public void Recognises_fields_claiming_our_authserv_id(string field, bool claims) =>
        Assert.Equal(claims, AuthenticationResults.Claims(field, "mx.receiver.test"));
}
