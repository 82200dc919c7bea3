using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;
using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Tests.Smtp;

public class CommandArgumentTests
{
    internal static SmtpParseResult Parse(string line) => SmtpCommandParser.Parse(line.AsSpan());

    internal static T Command<T>(string line) where T : SmtpCommand
    {
        var result = Parse(line);
        Assert.True(result.Status == SmtpParseStatus.Command, $"'{line}' gave {result.Reply}");
        return Assert.IsType<T>(result.Command);
    }

    private static string Reply(string line)
    {
        var result = Parse(line);
        Assert.Equal(SmtpParseStatus.Reject, result.Status);
        return result.Reply!.ToString();
    }

    [Fact]
    public void Mail_from_with_every_offered_parameter_is_parsed()
    {
        var mail = Command<MailCommand>("MAIL FROM:<alice@example.org> SIZE=1000 BODY=8BITMIME SMTPUTF8 AUTH=alice+40example.org");
        Assert.Equal(new MailCommand("alice@example.org", 1000, MailBodyType.EightBitMime, true, "alice+40example.org"), mail);
    }

    [Fact]
    public void Null_reverse_path_is_an_empty_sender()
    {
        var mail = Command<MailCommand>("MAIL FROM:<>");
        Assert.True(mail.IsNullSender);
        Assert.Equal(string.Empty, mail.ReversePath);
    }

    [Fact]
    public void Verbs_and_parameter_keywords_are_case_insensitive()
    {
        var mail = Command<MailCommand>("mail from:<a@example.org> body=7bit size=5");
        Assert.Equal(MailBodyType.SevenBit, mail.Body);
        Assert.Equal(5, mail.Size);
    }

    [Fact]
    public void Source_routes_are_accepted_and_dropped()
    {
        Assert.Equal("a@example.org", Command<MailCommand>("MAIL FROM:<@one.example,@two.example:a@example.org>").ReversePath);
    }

    [Theory]
    [InlineData("\"john doe\"@example.org")]
    [InlineData("\"a>b\"@example.org")]
    [InlineData("first.last+tag@sub.example.org")]
    [InlineData("a@[192.0.2.1]")]
    [InlineData("a@[IPv6:2001:db8::1]")]
    [InlineData("j\u00f6rg@b\u00fccher.example")]
    public void Valid_mailboxes_are_kept_as_written(string mailbox)
    {
        Assert.Equal(mailbox, Command<RcptCommand>($"RCPT TO:<{mailbox}>").ForwardPath);
    }

    [Theory]
    [InlineData("MAIL FROM:alice@example.org")]
    [InlineData("MAIL FROM:<alice@example.org")]
    [InlineData("MAIL FROM:<alice>")]
    [InlineData("MAIL FROM:<alice@>")]
    [InlineData("MAIL FROM:<@example.org>")]
    [InlineData("MAIL FROM:<a..b@example.org>")]
    [InlineData("MAIL FROM:<a@-example.org>")]
    [InlineData("MAIL FROM:<a@example.org.>")]
    [InlineData("MAIL FROM:<a@[300.1.1.1]>")]
    [InlineData("MAIL FROM:<a b@example.org>")]
    [InlineData("MAIL FROM:<a@example.org>x")]
    public void Malformed_reverse_paths_get_501_5_1_7(string line)
    {
        Assert.Equal(SmtpReplies.BadSenderSyntax.ToString(), Reply(line));
    }

    /// <summary>RFC 5321 §4.5.3.1: 64 octets is the local part every server must take, not a ceiling (SRS and VERP
    /// return paths pass it); the 256-octet path is.</summary>
    [Fact]
    public void A_local_part_past_64_octets_is_taken_while_the_path_fits()
    {
        string local65 = new('a', 65), srs = $"SRS0=HHHH=TT={new string('d', 100)}.test={new string('l', 100)}@example.org";
        Assert.Equal($"{local65}@example.org", Command<RcptCommand>($"RCPT TO:<{local65}@example.org>").ForwardPath);
        Assert.Equal(srs, Command<MailCommand>($"MAIL FROM:<{srs}>").ReversePath);
        string longest = new string('a', 242) + "@example.org";
        Assert.Equal(longest, Command<RcptCommand>($"RCPT TO:<{longest}>").ForwardPath);
        Assert.Equal(SmtpReplies.BadRecipientSyntax.ToString(), Reply($"RCPT TO:<a{longest}>"));
    }

    [Fact]
    public void Over_long_domain_and_path_are_refused()
    {
        string longDomain = string.Join('.', Enumerable.Repeat(new string('d', 60), 4)) + ".org";
        Assert.Equal(SmtpReplies.BadRecipientSyntax.ToString(), Reply($"RCPT TO:<{new string('a', 10)}@{longDomain}>"));
        Assert.Equal(SmtpReplies.BadRecipientSyntax.ToString(), Reply($"RCPT TO:<a@{new string('l', 64)}.org>"));
    }

    [Theory]
    [InlineData("MAIL FROM:<a@example.org> SIZE=", "501 5.5.4 Syntax: MAIL FROM:<address> [parameters]")]
    [InlineData("MAIL FROM:<a@example.org> SIZE=-1", "501 5.5.4 Syntax: SIZE=octets")]
    [InlineData("MAIL FROM:<a@example.org> SIZE=123456789012345678901", "501 5.5.4 Syntax: SIZE=octets")]
    [InlineData("MAIL FROM:<a@example.org> SMTPUTF8=yes", "501 5.5.4 Syntax: SMTPUTF8")]
    [InlineData("MAIL FROM:<a@example.org> SIZE=1 SIZE=2", "501 5.5.4 Syntax: MAIL FROM:<address> [parameters]")]
    [InlineData("MAIL FROM:<a@example.org> AUTH=a=b", "501 5.5.4 Syntax: MAIL FROM:<address> [parameters]")]
    [InlineData("MAIL FROM:<a@example.org> BODY=BINARYMIME", "555 5.5.4 Unsupported parameter BODY=BINARYMIME")]
    [InlineData("MAIL FROM:<a@example.org> MT-PRIORITY=3", "555 5.5.4 Unsupported parameter MT-PRIORITY")]
    [InlineData("RCPT TO:<b@example.test> RRVS=2026-01-01T00:00:00Z", "555 5.5.4 Unsupported parameter RRVS")]
    [InlineData("MAIL <a@example.org>", "501 5.5.4 Syntax: MAIL FROM:<address> [parameters]")]
    [InlineData("RCPT <b@example.test>", "501 5.5.4 Syntax: RCPT TO:<address>")]
    public void Bad_parameters_get_501_or_555(string line, string reply)
    {
        Assert.Equal(reply, Reply(line));
    }

    [Fact]
    public void Bare_postmaster_is_accepted_only_as_a_recipient()
    {
        var rcpt = Command<RcptCommand>("RCPT TO:<Postmaster>");
        Assert.True(rcpt.IsBarePostmaster);
        Assert.False(Command<RcptCommand>("RCPT TO:<postmaster@example.test>").IsBarePostmaster);
        Assert.Equal(SmtpReplies.BadSenderSyntax.ToString(), Reply("MAIL FROM:<Postmaster>"));
        Assert.Equal(SmtpReplies.BadRecipientSyntax.ToString(), Reply("RCPT TO:<>"));
    }

    [Fact]
    public void Leniency_spaces_after_the_colon_and_trailing_spaces_are_accepted()
    {
        Assert.Equal("a@example.org", Command<MailCommand>("MAIL FROM: <a@example.org>  ").ReversePath);
        Assert.Equal("b@example.test", Command<RcptCommand>("RCPT TO:  <b@example.test>").ForwardPath);
    }

    [Fact]
    public void Bdat_reads_size_and_last_and_an_unreadable_size_is_fatal()
    {
        Assert.Equal(new BdatCommand(1000, false), Command<BdatCommand>("BDAT 1000"));
        var last = Command<BdatCommand>("bdat 0 last");
        Assert.Equal(SmtpVerb.BdatLast, last.Verb);
        foreach (string bad in new[] { "BDAT", "BDAT x", "BDAT -1", "BDAT 10 FIRST", "BDAT 9999999999999999999" })
        {
            var result = Parse(bad);
            Assert.Equal(SmtpParseStatus.Reject, result.Status);
            Assert.True(result.CloseAfterReply, bad);
        }
    }

    [Fact]
    public void Auth_keeps_mechanism_and_initial_response_and_never_prints_the_response()
    {
        var auth = Command<AuthCommand>("AUTH plain AGJvYgBzZWNyZXQ=");
        Assert.Equal("PLAIN", auth.Mechanism);
        Assert.Equal("AGJvYgBzZWNyZXQ=", auth.InitialResponse);
        Assert.DoesNotContain("AGJvYgBzZWNyZXQ", auth.ToString());
        Assert.Null(Command<AuthCommand>("AUTH LOGIN").InitialResponse);
        Assert.Equal("501 5.5.4 Syntax: AUTH mechanism [initial-response]", Reply("AUTH"));
        Assert.Equal("501 5.5.4 Syntax: AUTH mechanism [initial-response]", Reply("AUTH PL@IN"));
    }

    [Fact]
    public void Ehlo_and_helo_accept_domains_and_literals_and_ignore_trailing_words()
    {
        Assert.Equal("client.example.org", Command<EhloCommand>("EHLO client.example.org").Domain);
        Assert.Equal("[127.0.0.1]", Command<EhloCommand>("EHLO [127.0.0.1]").Domain);
        Assert.Equal("DESKTOP_PC", Command<HeloCommand>("HELO DESKTOP_PC").Domain);
        Assert.Equal("mx.example.org", Command<EhloCommand>("EHLO mx.example.org greetings").Domain);
        Assert.Equal(SmtpReplies.BadHeloSyntax.ToString(), Reply("EHLO (evil)"));
        Assert.Equal("501 5.5.4 Syntax: EHLO domain", Reply("EHLO"));
    }

    [Fact]
    public void Commands_without_arguments_refuse_arguments()
    {
        Assert.Equal("501 5.5.4 Syntax: DATA", Reply("DATA x"));
        Assert.Equal("501 5.5.4 Syntax: RSET", Reply("RSET x"));
        Assert.Equal("501 5.5.4 Syntax: QUIT", Reply("QUIT x"));
        Assert.Equal("501 5.5.4 Syntax: STARTTLS", Reply("STARTTLS x"));
        Assert.IsType<NoopCommand>(Parse("NOOP x").Command);
        Assert.Equal("501 5.5.4 Syntax: VRFY address", Reply("VRFY"));
    }

    [Fact]
    public void Unknown_verbs_get_500_5_5_2()
    {
        Assert.Equal("500 5.5.2 Command not recognized", Reply("XYZZY"));
        Assert.Equal("500 5.5.2 Command not recognized", Reply(""));
        Assert.Equal("500 5.5.2 Command not recognized", Reply("MAILFROM:<a@b.c>"));
    }
}
