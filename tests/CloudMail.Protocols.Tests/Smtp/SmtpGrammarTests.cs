using CloudMail.Protocols.Smtp.Parsing;
using CsCheck;

namespace CloudMail.Protocols.Tests.Smtp;

public class SmtpGrammarTests
{
    [Theory]
    [InlineData("example.org", true)]
    [InlineData("a", true)]
    [InlineData("xn--bcher-kva.example", true)]
    [InlineData("b\u00fccher.example", true)]
    [InlineData("a-b.c", true)]
    [InlineData("-a.c", false)]
    [InlineData("a-.c", false)]
    [InlineData("a..c", false)]
    [InlineData("a_b.c", false)]
    [InlineData("", false)]
    [InlineData(".", false)]
    public void Domain(string text, bool valid) => Assert.Equal(valid, SmtpGrammar.IsDomain(text));

    [Theory]
    [InlineData("[192.0.2.1]", true)]
    [InlineData("[255.255.255.255]", true)]
    [InlineData("[256.1.1.1]", false)]
    [InlineData("[1.2.3]", false)]
    [InlineData("[IPv6:::1]", true)]
    [InlineData("[IPv6:2001:db8::1]", true)]
    [InlineData("[IPv6:fe80::1%eth0]", false)]
    [InlineData("[IPv6:1.2.3.4]", false)]
    [InlineData("[x-tag:stuff]", true)]
    [InlineData("[]", false)]
    [InlineData("192.0.2.1", false)]
    public void Address_literal(string text, bool valid) => Assert.Equal(valid, SmtpGrammar.IsAddressLiteral(text));

    [Theory]
    [InlineData("[192.0.2.1]", "192.0.2.1")]
    [InlineData("[IPv6:2001:db8::1]", "2001:db8::1")]
    [InlineData("[ipv6:::1]", "::1")]
    [InlineData("[x-tag:stuff]", null)]
    [InlineData("[IPv6:1.2.3.4]", null)]
    [InlineData("[256.1.1.1]", null)]
    [InlineData("192.0.2.1", null)]
    public void The_address_of_an_address_literal(string text, string? expected)
    {
        Assert.Equal(expected is not null, SmtpGrammar.TryParseAddressLiteral(text, out var address));
        Assert.Equal(expected, address?.ToString());
    }

    [Theory]
    [InlineData("simple", true)]
    [InlineData("a.b.c", true)]
    [InlineData("!#$%&'*+-/=?^_`{|}~", true)]
    [InlineData("\"quoted string\"", true)]
    [InlineData("\"esc\\\"aped\"", true)]
    [InlineData("\"unterminated", false)]
    [InlineData(".lead", false)]
    [InlineData("trail.", false)]
    [InlineData("sp ace", false)]
    [InlineData("a(b)", false)]
    public void Local_part(string text, bool valid) => Assert.Equal(valid, SmtpGrammar.IsLocalPart(text));

    [Theory]
    [InlineData("AUTH", true)]
    [InlineData("X-EXT", true)]
    [InlineData("-X", false)]
    [InlineData("A_B", false)]
    public void Esmtp_keyword(string text, bool valid) => Assert.Equal(valid, SmtpGrammar.IsEsmtpKeyword(text));

    [Theory]
    [InlineData("alice+40example.org", true)]
    [InlineData("plain", true)]
    [InlineData("a+4", false)]
    [InlineData("a=b", false)]
    [InlineData("a+zz", false)]
    public void Xtext(string text, bool valid) => Assert.Equal(valid, SmtpGrammar.IsXtext(text));

    [Fact]
    public void Path_reports_how_much_it_consumed()
    {
        Assert.Equal(15, SmtpGrammar.ParsePath("<a@example.org> SIZE=1", false, false, out string mailbox));
        Assert.Equal("a@example.org", mailbox);
        Assert.Equal(2, SmtpGrammar.ParsePath("<> SIZE=1", true, false, out mailbox));
        Assert.Equal(-1, SmtpGrammar.ParsePath("<>", false, false, out _));
    }

    [Theory]
    [InlineData("<\"alice\"@example.org>", "alice@example.org")]
    [InlineData("<\"first.last\"@example.org>", "first.last@example.org")]
    [InlineData("<\"\\a\\l\\ice\"@example.org>", "alice@example.org")]
    [InlineData("<\"a b\"@example.org>", "\"a b\"@example.org")]
    [InlineData("<\"a\\ b\"@example.org>", "\"a b\"@example.org")]
    [InlineData("<\"a\\\"b\"@example.org>", "\"a\\\"b\"@example.org")]
    [InlineData("<\"a..b\"@example.org>", "\"a..b\"@example.org")]
    [InlineData("<\"\"@example.org>", "\"\"@example.org")]
    [InlineData("<@relay.test:\"bob\"@example.org>", "bob@example.org")]
    public void A_quoted_local_part_is_given_in_its_one_canonical_form(string path, string mailbox)
    {
        Assert.Equal(path.Length, SmtpGrammar.ParsePath(path, false, false, out string parsed));
        Assert.Equal(mailbox, parsed);
    }

    [Fact]
    public void The_canonical_form_of_any_quoted_local_part_parses_back_to_itself() =>
        Gen.String[Gen.OneOf(Gen.Char[' ', '~'], Gen.Const('.'), Gen.Const('"'), Gen.Const('\\')), 0, 20].Sample(content =>
        {
            string quoted = "\"" + string.Concat(content.Select(c => c is '"' or '\\' || c == ' ' ? "\\" + c : c.ToString())) + "\"";
            if (SmtpGrammar.ParsePath("<" + quoted + "@example.org>", false, false, out string canonical) < 0) return; // too long
            Assert.True(SmtpGrammar.ParsePath("<" + canonical + ">", false, false, out string again) == canonical.Length + 2, canonical);
            Assert.Equal(canonical, again);
            Assert.Equal(SmtpGrammar.IsDotString(content), !canonical.StartsWith('"'));
        });
}
