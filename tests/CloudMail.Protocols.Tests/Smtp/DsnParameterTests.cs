using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;
using CloudMail.Protocols.Smtp.Parsing;
using CsCheck;

namespace CloudMail.Protocols.Tests.Smtp;

/// <summary>The DSN parameters of MAIL and RCPT (RFC 3461 §4), REQUIRETLS (RFC 8689 §4.1) and xtext.</summary>
public class DsnParameterTests
{
    private static SmtpParseResult Parse(string line) => CommandArgumentTests.Parse(line);

    private static T Command<T>(string line) where T : SmtpCommand => CommandArgumentTests.Command<T>(line);

    [Fact]
    public void Mail_carries_ret_envid_and_requiretls()
    {
        var mail = Command<MailCommand>("MAIL FROM:<a@example.org> RET=hdrs ENVID=QQ314159+2Bx REQUIRETLS");
        Assert.Equal((SmtpDsnReturn?)SmtpDsnReturn.Headers, mail.Return);
        Assert.Equal("QQ314159+x", mail.EnvelopeId);
        Assert.True(mail.RequireTls);
        Assert.Equal(SmtpDsnReturn.Full, Command<MailCommand>("MAIL FROM:<> RET=FULL").Return);
    }

    [Fact]
    public void Rcpt_carries_notify_and_orcpt()
    {
        var rcpt = Command<RcptCommand>("RCPT TO:<b@example.org> NOTIFY=failure,DELAY ORCPT=rfc822;Bob+2Bx+40example.org");
        Assert.Equal(SmtpDsnNotify.Failure | SmtpDsnNotify.Delay, rcpt.Notify);
        Assert.Equal("rfc822;Bob+x@example.org", rcpt.OriginalRecipient);
        Assert.Equal(SmtpDsnNotify.Never, Command<RcptCommand>("RCPT TO:<b@example.org> NOTIFY=NEVER").Notify);
        var plain = Command<RcptCommand>("RCPT TO:<b@example.org>");
        Assert.Equal((SmtpDsnNotify.Unspecified, (string?)null), (plain.Notify, plain.OriginalRecipient));
    }

    [Theory]
    [InlineData("MAIL FROM:<a@example.org> RET=BODY")]
    [InlineData("MAIL FROM:<a@example.org> RET")]
    [InlineData("MAIL FROM:<a@example.org> RET=FULL RET=HDRS")]
    [InlineData("MAIL FROM:<a@example.org> ENVID=a+zz")]
    [InlineData("MAIL FROM:<a@example.org> ENVID=a+0D+0Ab")]
    [InlineData("MAIL FROM:<a@example.org> ENVID")]
    [InlineData("MAIL FROM:<a@example.org> REQUIRETLS=YES")]
    [InlineData("RCPT TO:<b@example.org> NOTIFY=NEVER,SUCCESS")]
    [InlineData("RCPT TO:<b@example.org> NOTIFY=SOMETIMES")]
    [InlineData("RCPT TO:<b@example.org> NOTIFY=SUCCESS,")]
    [InlineData("RCPT TO:<b@example.org> NOTIFY")]
    [InlineData("RCPT TO:<b@example.org> NOTIFY=DELAY NOTIFY=DELAY")]
    [InlineData("RCPT TO:<b@example.org> ORCPT=b@example.org")]
    [InlineData("RCPT TO:<b@example.org> ORCPT=;b@example.org")]
    [InlineData("RCPT TO:<b@example.org> ORCPT=rfc822;")]
    [InlineData("RCPT TO:<b@example.org> ORCPT=rfc822;b+4")]
    public void Malformed_dsn_values_get_501_5_5_4(string line)
    {
        var result = Parse(line);
        Assert.Equal(SmtpParseStatus.Reject, result.Status);
        Assert.Equal((501, "5.5.4"), (result.Reply!.Code, result.Reply.EnhancedCode));
    }

    [Fact]
    public void An_envid_of_100_characters_is_accepted_and_one_of_101_refused()
    {
        Assert.Equal(new string('e', 100), Command<MailCommand>("MAIL FROM:<a@example.org> ENVID=" + new string('e', 100)).EnvelopeId);
        Assert.Equal(501, Parse("MAIL FROM:<a@example.org> ENVID=" + new string('e', 101)).Reply!.Code);
    }

    [Fact]
    public void Other_rcpt_parameters_are_still_555()
    {
        Assert.Equal("555 5.5.4 Unsupported parameter FOO", Parse("RCPT TO:<b@example.org> FOO=1").Reply!.ToString());
    }

    [Fact]
    public void Xtext_round_trips_printable_ascii() =>
        Gen.String[Gen.Char[' ', '~'], 0, 80].Sample(text =>
        {
            Assert.True(Xtext.TryDecode(Xtext.Encode(text), out string decoded));
            Assert.Equal(text, decoded);
        });

    [Fact]
    public void Mail_and_rcpt_with_arbitrary_parameters_never_throw() =>
        Gen.OneOf(
                Gen.Const("RET="), Gen.Const("ENVID="), Gen.Const("NOTIFY="), Gen.Const("ORCPT="), Gen.Const("REQUIRETLS"),
                Gen.Const("NEVER"), Gen.Const("SUCCESS,"), Gen.Const("rfc822;"), Gen.Const("+"), Gen.Const(" "), Gen.Const(","),
                Gen.String[Gen.Char['!', '~'], 0, 6], Gen.String[Gen.Char, 0, 3])
            .Array[0, 12]
            .Select(parts => string.Concat(parts))
            .Sample(tail =>
            {
                var mail = Parse("MAIL FROM:<a@example.org> " + tail);
                var rcpt = Parse("RCPT TO:<b@example.org> " + tail);
                Assert.True(mail.Status is SmtpParseStatus.Command or SmtpParseStatus.Reject);
                Assert.True(rcpt.Status is SmtpParseStatus.Command or SmtpParseStatus.Reject);
                _ = Xtext.TryDecode(tail, out _);
            });
}
