using CloudMail.EndToEnd.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;

namespace CloudMail.EndToEnd.Tests.Outbound;

/// <summary>
/// The issue's flow with real parts only: a user of a.test submits to CloudMail A, which finds the recipient's server
/// through DNS (MX) and delivers over SMTP — to CloudMail B (b.test) or to a real Postfix (c.test) — signed with DKIM;
/// a destination that refuses or cannot be reached gets the sender a bounce (RFC 3464) in their INBOX.
/// </summary>
public sealed class OutboundDeliveryTests(TwoDomains world) : IClassFixture<TwoDomains>
{
    private async Task SubmitAsync(string to, string subject)
    {
        using var smtp = await MailClients.SmtpAsync(world.A.Submission, SecureSocketOptions.StartTls, TwoDomains.Alice, TwoDomains.AlicePassword, world.A.ListenAddress);
        await smtp.SendAsync(MailClients.Message(TwoDomains.Alice, to, subject));
        await smtp.DisconnectAsync(true);
    }

    private async Task<MimeMessage?> FindAsync(CloudMailProcess server, string user, string password, Func<MimeMessage, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using (var imap = await MailClients.ImapAsync(server.Imaps, SecureSocketOptions.SslOnConnect, user, password, server.ListenAddress))
            {
                await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
                foreach (var uid in await imap.Inbox.SearchAsync(SearchQuery.All))
                {
                    var message = await imap.Inbox.GetMessageAsync(uid);
                    if (match(message)) return message;
                }
            }
            if (DateTime.UtcNow > deadline) return null;
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The delivery-status part (RFC 3464), its folded lines joined, of the bounce Alice gets for her message with
    /// <paramref name="subject"/>.
    /// </summary>
    private async Task<string> BounceStatusAsync(string subject, TimeSpan timeout)
    {
        var bounce = await FindAsync(world.A, TwoDomains.Alice, TwoDomains.AlicePassword,
            m => m.Body is MultipartReport && m.ToString().Contains(subject, StringComparison.Ordinal), timeout);
        Assert.NotNull(bounce);
        var report = Assert.IsType<MultipartReport>(bounce.Body);
        Assert.Equal("delivery-status", report.ReportType);
        return System.Text.RegularExpressions.Regex.Replace(report.OfType<MessageDeliveryStatus>().Single().ToString(), @"\r?\n[ \t]+", " ");
    }

    private bool DkimVerifies(MimeMessage message)
    {
        var header = message.Headers.FirstOrDefault(h => h.Id == HeaderId.DkimSignature);
        if (header is null) return false;
        return new DkimVerifier(new StaticKeyLocator(world.DkimKey.PublicKey)).Verify(message, header);
    }

    [Fact]
    public async Task Mail_to_another_domain_is_found_through_MX_delivered_signed_and_read_there_over_IMAP()
    {
        await SubmitAsync(TwoDomains.Bob, "a-to-b");

        var received = await FindAsync(world.B, TwoDomains.Bob, TwoDomains.BobPassword, m => m.Subject == "a-to-b", TimeSpan.FromSeconds(30));
        Assert.NotNull(received);
        Assert.Contains("d=a.test", received.Headers[HeaderId.DkimSignature], StringComparison.Ordinal);
        Assert.True(DkimVerifies(received), "B's copy carries a DKIM signature of a.test that verifies against the published key");
    }

    [Fact]
    public async Task An_8bit_message_arrives_signed_in_its_7bit_form_with_the_same_text()
    {
        // As Thunderbird sends UTF-8 text to a server that offers 8BITMIME: an 8bit body, signed in its 7-bit form (RFC 6376 §5.3).
        var message = MailClients.Message(TwoDomains.Alice, TwoDomains.Bob, "a-to-b-8bit");
        message.Body = new TextPart("plain") { Text = "Grüße aus Köln, déjà vu.\n", ContentTransferEncoding = ContentEncoding.EightBit };
        using (var smtp = await MailClients.SmtpAsync(world.A.Submission, SecureSocketOptions.StartTls, TwoDomains.Alice, TwoDomains.AlicePassword, world.A.ListenAddress))
        {
            await smtp.SendAsync(message);
            await smtp.DisconnectAsync(true);
        }

        await AssertArrivedSignedAsQuotedPrintableAsync("a-to-b-8bit", "Grüße aus Köln, déjà vu.\n", "the signature covers the 7-bit form that was sent");
    }

    [Fact]
    public async Task A_line_over_998_octets_arrives_signed_in_quoted_printable_with_the_same_text()
    {
        // As a script's one-line HTML goes out: a 7bit body with a 3,000-octet line, which RFC 5322 §2.1.1 forbids and
        // later hops would break (and the signature with it); A signs and sends it quoted-printable (RFC 6376 §5.3).
        string html = "<html><body>" + string.Concat(Enumerable.Range(0, 300).Select(i => $"<b>{i:D4}</b> ")) + "</body></html>\n";
        var message = MailClients.Message(TwoDomains.Alice, TwoDomains.Bob, "a-to-b-long-line");
        message.Body = new TextPart("html") { Text = html, ContentTransferEncoding = ContentEncoding.SevenBit };
        using (var smtp = new UnpreparedSmtpClient { Timeout = 20_000, ServerCertificateValidationCallback = (_, _, _, _) => true })
        {
            await smtp.ConnectAsync(world.A.ListenAddress, world.A.Submission, SecureSocketOptions.StartTls);
            await smtp.AuthenticateAsync(TwoDomains.Alice, TwoDomains.AlicePassword);
            await smtp.SendAsync(message);
            await smtp.DisconnectAsync(true);
        }

        await AssertArrivedSignedAsQuotedPrintableAsync("a-to-b-long-line", html, "the signature covers the quoted-printable form that was sent");
    }

    /// <summary>
    /// Bob's copy at B of the message with <paramref name="subject"/> arrived (within 30 s) as one quoted-printable text
    /// part holding <paramref name="text"/> (line ends as LF), with a DKIM signature of a.test that verifies.
    /// </summary>
    private async Task AssertArrivedSignedAsQuotedPrintableAsync(string subject, string text, string why)
    {
        var received = await FindAsync(world.B, TwoDomains.Bob, TwoDomains.BobPassword, m => m.Subject == subject, TimeSpan.FromSeconds(30));
        Assert.NotNull(received);
        var body = Assert.IsType<TextPart>(received.Body);
        Assert.Equal(ContentEncoding.QuotedPrintable, body.ContentTransferEncoding);
        Assert.Equal(text, body.Text.ReplaceLineEndings("\n"));
        Assert.True(DkimVerifies(received), why);
    }

    /// <summary>MailKit's client without its own re-encoding of long lines: the message goes out as a script would send it.</summary>
    private sealed class UnpreparedSmtpClient : MailKit.Net.Smtp.SmtpClient
    {
        protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
        {
        }
    }

    [Fact]
    public async Task SMTPUTF8_mail_with_UTF8_header_fields_is_relayed_with_SMTPUTF8()
    {
        // RFC 6531/6532: a client sends raw UTF-8 header fields under SMTPUTF8; A relays them to B (which offers it) with
        // the parameter, so B records the hop as UTF8SMTPS (RFC 6531 §3.7.3) and shows the subject as it was written.
        var message = MailClients.Message(TwoDomains.Alice, TwoDomains.Bob, "a-to-b-utf8 Grüße aus Köln");
        using (var smtp = await MailClients.SmtpAsync(world.A.Submission, SecureSocketOptions.StartTls, TwoDomains.Alice, TwoDomains.AlicePassword, world.A.ListenAddress))
        {
            await smtp.SendAsync(new FormatOptions { International = true }, message);
            await smtp.DisconnectAsync(true);
        }

        var received = await FindAsync(world.B, TwoDomains.Bob, TwoDomains.BobPassword, m => m.Subject?.StartsWith("a-to-b-utf8", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(30));
        Assert.NotNull(received);
        Assert.Equal("a-to-b-utf8 Grüße aus Köln", received.Subject);
        Assert.Contains("with UTF8SMTPS", received.Headers[HeaderId.Received], StringComparison.Ordinal);
        Assert.True(DkimVerifies(received), "the signature covers the UTF-8 header fields as sent");
    }

    [Fact]
    public async Task Mail_to_a_Postfix_domain_is_delivered_to_Postfix_with_the_DKIM_signature()
    {
        await SubmitAsync("carol@c.test", "a-to-postfix");

        string stored = await world.Postfix.WaitForMessageAsync("Subject: a-to-postfix", TimeSpan.FromSeconds(30));
        var message = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(stored)));
        Assert.True(DkimVerifies(message), "Postfix stored the message with a valid a.test signature");
        await world.Postfix.WaitForLogAsync("TLS connection established from", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SMTPUTF8_mail_to_a_Postfix_without_SMTPUTF8_is_returned_in_RFC_6533s_form()
    {
        // This Postfix runs with smtputf8_enable = no: it offers no SMTPUTF8, so UTF-8 header fields may not go to it.
        var message = MailClients.Message(TwoDomains.Alice, "carol@c.test", "utf8-to-postfix Grüße");
        using (var smtp = await MailClients.SmtpAsync(world.A.Submission, SecureSocketOptions.StartTls, TwoDomains.Alice, TwoDomains.AlicePassword, world.A.ListenAddress))
        {
            await smtp.SendAsync(new FormatOptions { International = true }, message);
            await smtp.DisconnectAsync(true);
        }

        var bounce = await FindAsync(world.A, TwoDomains.Alice, TwoDomains.AlicePassword,
            m => m.Body is MultipartReport && m.ToString().Contains("utf8-to-postfix", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.NotNull(bounce);
        var report = Assert.IsType<MultipartReport>(bounce.Body);
        Assert.Equal("message/global-delivery-status", report[1].ContentType.MimeType);
        Assert.Equal("message/global-headers", report[2].ContentType.MimeType);
        string status = report[1].ToString();
        Assert.Contains("5.6.9", status, StringComparison.Ordinal);
        Assert.Contains("carol@c.test", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_domain_with_a_null_MX_bounces_to_the_sender_at_once()
    {
        await SubmitAsync("nobody@nullmx.test", "to-null-mx");

        string status = await BounceStatusAsync("to-null-mx", TimeSpan.FromSeconds(30));
        Assert.Contains("5.1.10", status, StringComparison.Ordinal);
        Assert.Contains("nobody@nullmx.test", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_domain_whose_MX_is_this_server_itself_bounces_at_once_as_a_loop()
    {
        // misdirected.test is not a domain of A, but its MX host is A's own address: RFC 5321 §5.1, no MX host is left.
        await SubmitAsync("someone@misdirected.test", "to-myself");

        string status = await BounceStatusAsync("to-myself", TimeSpan.FromSeconds(30));
        Assert.Contains("5.4.6", status, StringComparison.Ordinal);
        Assert.Contains("mail for misdirected.test loops back to myself", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_servers_that_forward_to_each_other_stop_the_loop_and_the_sender_gets_a_bounce()
    {
        // loop@a.test forwards to loop@b.test and back: each pass adds a Received field, and the server that gets the
        // message with MaxReceivedHeaders of them (30 here) refuses it (554 5.4.6); the bounce goes back through SRS.
        Assert.Equal(0, (await world.A.AdminAsync(null, "alias", "add", "loop@a.test", "loop@b.test")).ExitCode);
        Assert.Equal(0, (await world.B.AdminAsync(null, "alias", "add", "loop@b.test", "loop@a.test")).ExitCode);

        await SubmitAsync("loop@a.test", "forwarding-loop");

        string status = await BounceStatusAsync("forwarding-loop", TimeSpan.FromSeconds(90));
        Assert.Contains("5.4.6", status, StringComparison.Ordinal);
        Assert.Contains("Too many hops (30 Received header fields)", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_destination_is_retried_until_it_expires_then_bounced()
    {
        await SubmitAsync("x@down.test", "to-down-host");

        string status = await BounceStatusAsync("to-down-host", TimeSpan.FromSeconds(60));
        Assert.Contains("Action: failed", status, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("4.4.1", status, StringComparison.Ordinal); // the last reply: no connection
    }

    [Fact]
    public async Task A_message_deferred_when_the_sender_is_killed_is_delivered_once_after_the_restart()
    {
        await SubmitAsync("x@late.test", "survives-kill");
        await Task.Delay(TimeSpan.FromSeconds(3)); // a few attempts against a host that is not there yet
        await world.A.KillAsync();

        await using var late = await PostfixInstance.StartAsync("127.0.0.6", "late.test");
        await world.A.StartAsync();

        await late.WaitForMessageAsync("Subject: survives-kill", TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3)); // time for a duplicate to show up, if any would
        Assert.Single(late.Messages(), m => m.Contains("Subject: survives-kill", StringComparison.Ordinal));
    }

    /// <summary>Answers every DKIM key query with the one key A published.</summary>
    private sealed class StaticKeyLocator(string publicKeyBase64) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            PublicKeyFactory.CreateKey(Convert.FromBase64String(publicKeyBase64));

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
