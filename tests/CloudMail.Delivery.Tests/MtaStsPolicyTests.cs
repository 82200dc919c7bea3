using CloudMail.Delivery.MtaSts;

namespace CloudMail.Delivery.Tests;

/// <summary>The policy file format (RFC 8461 §3.2) and MX matching (§4.1).</summary>
public sealed class MtaStsPolicyTests
{
    [Fact]
    public void A_valid_policy_is_read_with_every_mx_line()
    {
        var policy = MtaStsPolicy.Parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n");

        Assert.NotNull(policy);
        Assert.Equal(MtaStsMode.Enforce, policy.Mode);
        Assert.Equal(["mail.example.com", "*.example.net"], policy.MxPatterns);
        Assert.Equal(TimeSpan.FromDays(7), policy.MaxAge);
    }

    [Theory]
    [InlineData("version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 60\n")]
    [InlineData("version: STSv1\nmode: strict\nmx: a.test\nmax_age: 60\n")]
    [InlineData("version: STSv1\nmode: enforce\nmax_age: 60\n")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 31557601\n")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: -1\n")]
    [InlineData("<html>not a policy</html>")]
    public void An_invalid_policy_is_no_policy(string text) => Assert.Null(MtaStsPolicy.Parse(text));

    [Theory]
    [InlineData("mail.example.com", true)]
    [InlineData("MAIL.example.com.", true)]
    [InlineData("mx1.example.net", true)]
    [InlineData("example.net", false)]
    [InlineData("a.b.example.net", false)]
    [InlineData("other.example.com", false)]
    public void MX_hosts_match_names_and_one_label_wildcards(string host, bool matches)
    {
        var policy = MtaStsPolicy.Parse("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 60\n")!;

        Assert.Equal(matches, policy.Matches(host));
    }
}
