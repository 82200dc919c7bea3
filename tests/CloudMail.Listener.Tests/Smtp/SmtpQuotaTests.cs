using CloudMail.Core.Directory;
using CloudMail.Core.Quotas;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Imap;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>RCPT to a mailbox that is over its quota: 452 4.2.2 (RFC 3463 mailbox full), a transient refusal.</summary>
public class SmtpQuotaTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private TestServer Server => fixture.Server;

    /// <summary>A user whose one-message quota is used up.</summary>
    private async Task<string> FullUserAsync()
    {
        string user = await fixture.NewUserAsync();
        await Server.Get<MailboxQuotas>().ChangeLimitsAsync(user, q => q with { Messages = 1 }, CancellationToken.None);
        await ImapTest.DeliverAsync(Server, user, "INBOX", ImapTest.TextMessage("the one that fits"));
        return user;
    }

    [Fact]
    public async Task Python_smtplib_on_port_25_gets_452_4_2_2_for_a_full_mailbox_and_250_for_one_with_room()
    {
        string full = await FullUserAsync();
        string roomy = await fixture.NewUserAsync();
        var result = await ExternalClient.PythonAsync("""
            import smtplib, sys
            port, full, roomy = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            with smtplib.SMTP("127.0.0.1", port, timeout=15) as s:
                s.ehlo()
                s.mail("sender@remote.test")
                print(*s.rcpt(full))
                print(*s.rcpt(roomy))
            """, Server.Port(EndpointKind.Smtp).ToString(), full, roomy);
        Assert.True(result.ExitCode == 0, result.ToString());

        string[] replies = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("452 b'4.2.2 Mailbox full; try again later'", replies[0]);
        Assert.StartsWith("250 ", replies[1]);
    }

    [Fact]
    public async Task MailKit_submission_on_587_is_refused_with_452_for_a_full_mailbox()
    {
        string sender = await fixture.NewUserAsync();
        string full = await FullUserAsync();
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 15000 };
        await client.ConnectAsync("127.0.0.1", Server.Port(EndpointKind.Submission), SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(sender, SmtpServerFixture.Password);
        var message = new MimeMessage { From = { MailboxAddress.Parse(sender) }, To = { MailboxAddress.Parse(full) }, Subject = "won't fit", Body = new TextPart("plain") { Text = "x" } };

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message));

        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, refused.ErrorCode);
        Assert.Equal(452, (int)refused.StatusCode);
        Assert.Equal(1, (await Server.Get<CloudMail.Core.Mailboxes.IMailboxIndex>().GetQuotaUsageAsync(full, CancellationToken.None)).Messages);
    }

    [Fact]
    public async Task An_alias_is_refused_only_when_every_mailbox_it_reaches_is_full()
    {
        string full = await FullUserAsync();
        string otherFull = await FullUserAsync();
        string roomy = await fixture.NewUserAsync();
        string allFull = "full-" + Guid.NewGuid().ToString("N")[..8] + "@" + TestServer.Domain;
        string mixed = "mixed-" + Guid.NewGuid().ToString("N")[..8] + "@" + TestServer.Domain;
        var directory = Server.Get<IMailDirectory>();
        await directory.AddAliasAsync(allFull, full, CancellationToken.None);
        await directory.AddAliasAsync(allFull, otherFull, CancellationToken.None);
        await directory.AddAliasAsync(mixed, full, CancellationToken.None);
        await directory.AddAliasAsync(mixed, roomy, CancellationToken.None);
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);

        Assert.Equal("452 4.2.2 Mailbox full; try again later", (await client.CommandAsync($"RCPT TO:<{allFull}>")).ToString());
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{mixed}>")).Code);
    }

    [Fact]
    public async Task With_Bounce_a_message_that_no_longer_fits_comes_back_to_a_local_sender_as_a_5_2_2_DSN()
    {
        await using TestServer server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Quota:OverQuotaDelivery"] = "Bounce" });
        string sender = await SmtpServerFixture.NewUserAsync(server);
        string recipient = await SmtpServerFixture.NewUserAsync(server);
        await ImapTest.DeliverAsync(server, recipient, "INBOX", ImapTest.TextMessage("almost full"));
        long used = (await server.Get<CloudMail.Core.Mailboxes.IMailboxIndex>().GetQuotaUsageAsync(recipient, CancellationToken.None)).Bytes;
        await server.Get<MailboxQuotas>().ChangeLimitsAsync(recipient, q => q with { StorageBytes = used + 100 }, CancellationToken.None);
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 15000 };
        await client.ConnectAsync("127.0.0.1", server.Port(EndpointKind.Submission), SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(sender, SmtpServerFixture.Password);

        // RCPT passes (the mailbox is not full yet); the inbound stage finds that this message does not fit.
        await client.SendAsync(new MimeMessage
        {
            From = { MailboxAddress.Parse(sender) }, To = { MailboxAddress.Parse(recipient) }, Subject = "too big for the rest",
            Body = new TextPart("plain") { Text = new string('z', 2000) },
        });

        var bounce = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(await SmtpServerFixture.SingleDeliveredAsync(server, sender))));
        Assert.Equal("Undelivered Mail Returned to Sender", bounce.Subject);
        var status = Assert.IsType<MessageDeliveryStatus>(Assert.IsType<MultipartReport>(bounce.Body)[1]).StatusGroups[1];
        Assert.Equal("rfc822; " + recipient, status["Final-Recipient"]);
        Assert.Equal("5.2.2", status["Status"]);
        Assert.Single(await SmtpServerFixture.WaitForInboxAsync(server, recipient, 1));
    }
}
