using System.Net;
using CloudMail.Filtering.Spf;

namespace CloudMail.Filtering.Tests.Spf;

public class SpfRecordParserTests
{
    [Fact]
    public void Parses_every_mechanism_with_qualifiers_and_cidr_lengths()
    {
        var parsed = SpfRecordParser.Parse("v=spf1 +a -mx:example.org/24//64 ~ptr ?ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.net exists:%{i}.x.example.com -all");
        Assert.Null(parsed.Error);
        var d = parsed.Record!.Directives;
        Assert.Equal([SpfMechanismKind.A, SpfMechanismKind.Mx, SpfMechanismKind.Ptr, SpfMechanismKind.Ip4, SpfMechanismKind.Ip6, SpfMechanismKind.Include, SpfMechanismKind.Exists, SpfMechanismKind.All],
            d.Select(x => x.Kind));
        Assert.Equal([SpfQualifier.Pass, SpfQualifier.Fail, SpfQualifier.SoftFail, SpfQualifier.Neutral, SpfQualifier.Pass, SpfQualifier.Pass, SpfQualifier.Pass, SpfQualifier.Fail],
            d.Select(x => x.Qualifier));
        Assert.Equal(("example.org", 24, 64), (d[1].DomainSpec, d[1].Cidr4, d[1].Cidr6));
        Assert.Equal((IPAddress.Parse("192.0.2.0"), 24), (d[3].Network, d[3].Cidr4));
        Assert.Equal(32, d[4].Cidr6);
    }

    [Fact]
    public void Reads_redirect_and_exp_and_ignores_unknown_modifiers()
    {
        var record = SpfRecordParser.Parse("v=spf1 redirect=_spf.example.com exp=explain._spf.%{d} foo=bar").Record!;
        Assert.Equal("_spf.example.com", record.Redirect);
        Assert.Equal("explain._spf.%{d}", record.Explanation);
        Assert.Empty(record.Directives);
    }

    [Theory]
    [InlineData("v=spf1 redirect=a.example.com redirect=b.example.com")] // §6: at most once
    [InlineData("v=spf1 exp=a.example.com exp=b.example.com")]
    [InlineData("v=spf1 ip4:192.0.2.1/33")]
    [InlineData("v=spf1 ip4:192.0.2")]
    [InlineData("v=spf1 ip6:192.0.2.1")]
    [InlineData("v=spf1 a/024")]
    [InlineData("v=spf1 include")]
    [InlineData("v=spf1 include:")]
    [InlineData("v=spf1 foo:example.com")]
    [InlineData("v=spf1 all:example.com")]
    [InlineData("v=spf1 exists:%{x}.example.com")] // unknown macro letter
    [InlineData("v=spf1 exists:%{c}.example.com")] // c only in exp (§7.1)
    [InlineData("v=spf1 exists:%{d0}.example.com")] // zero DIGIT (§7.3)
    [InlineData("v=spf1 a:example.123")] // toplabel all digits
    [InlineData("v=spf1 include:%{d")]
    [InlineData("v=spf1 -all%")]
    public void Syntax_errors_are_reported_not_thrown(string record)
    {
        var parsed = SpfRecordParser.Parse(record);
        Assert.Null(parsed.Record);
        Assert.NotNull(parsed.Error);
    }

    [Theory]
    [InlineData("v=spf1", true)]
    [InlineData("v=spf1 -all", true)]
    [InlineData("V=SPF1 -all", true)]
    [InlineData("v=spf10 -all", false)]
    [InlineData("spf2.0/pra -all", false)]
    public void Recognises_spf_records_by_version(string txt, bool expected) => Assert.Equal(expected, SpfRecordParser.IsSpfRecord(txt));

    [Fact]
    public void Never_throws_on_random_input()
    {
        var random = new Random(7208);
        const string alphabet = "v=spf1 :/%{}-~?+.aipmx4601lrdsohc_=,allinclude";
        for (int i = 0; i < 5000; i++)
        {
            var chars = Enumerable.Range(0, random.Next(40)).Select(_ => alphabet[random.Next(alphabet.Length)]);
            _ = SpfRecordParser.Parse("v=spf1 " + new string(chars.ToArray()));
        }
    }
}
