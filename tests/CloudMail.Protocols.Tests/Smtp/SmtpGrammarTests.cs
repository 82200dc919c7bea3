using CloudMail.Protocols.Smtp.Parsing;

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
}
