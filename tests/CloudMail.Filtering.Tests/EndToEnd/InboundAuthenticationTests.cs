using CloudMail.Core.Blobs;
using CloudMail.Core.Intake;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Filtering.Tests.EndToEnd;

/// <summary>
/// The authentication filter in the running embedded server: port-25 mail from sender.test (SPF -all for 192.0.2.1 only,
/// DMARC p=reject, DKIM key "sel" published) arrives from 127.0.0.1, which SPF does not authorise. DNS is a real dnsmasq.
/// </summary>
public sealed class InboundAuthenticationTests : IAsyncLifetime
{
    private const string AuthServId = "mx.receiver.test";
    private const string Bob = "bob@" + TestServer.Domain;
    private const string BobPassword = "bob-password-1";

    private DnsmasqProcess _dns = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _dns = await DnsmasqProcess.StartAsync(
            DnsmasqProcess.Txt("sender.test", "v=spf1 ip4:192.0.2.1 -all"),
            DnsmasqProcess.Txt("_dmarc.sender.test", "v=DMARC1; p=reject"),
            DnsmasqProcess.Txt("sel._domainkey.sender.test", TestSigning.KeyRecordStrings));
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Dns:Servers:0"] = _dns.Endpoint,
            ["CloudMail:Dns:Timeout"] = "00:00:02",
            ["CloudMail:Filtering:Enabled"] = "true",
            ["CloudMail:Filtering:AuthServId"] = AuthServId,
            ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100",
        });
        await _server.AddUserAsync(Bob, BobPassword);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _dns.DisposeAsync();
    }

    [Fact]
    public async Task Spf_fail_under_dmarc_reject_is_refused_at_end_of_data_with_550_5_7_1()
    {
        var message = TestSigning.NewMessage();
        message.To.Clear();
        message.To.Add(MailboxAddress.Parse(Bob));
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", _server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => smtp.SendAsync(message));
        Assert.Equal(550, (int)refused.StatusCode);
        Assert.Equal(SmtpErrorCode.MessageNotAccepted, refused.ErrorCode);
        Assert.Contains("DMARC", refused.Message);
        Assert.StartsWith("5.7.1 ", refused.Message);
        Assert.Equal(0, await InboxCountAsync());
    }

    [Fact]
    public async Task A_dkim_signed_message_is_delivered_with_one_authentication_results_header_and_forgeries_removed()
    {
        var message = TestSigning.NewMessage();
        message.To.Clear();
        message.To.Add(MailboxAddress.Parse(Bob));
        message.Headers.Add("Authentication-Results", AuthServId + "; dkim=pass header.d=forged.test");
        message.Headers.Add("Authentication-Results", "other.example; spf=pass smtp.mailfrom=sender.test");
        TestSigning.Sign(message);
        string reply;
        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", _server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
            reply = await smtp.SendAsync(message);
            await smtp.DisconnectAsync(true);
        }
        string id = reply[(reply.LastIndexOf(' ') + 1)..];
        var blobs = _server.Get<IMessageBlobStore>();
        Assert.True(await blobs.ExistsAsync(id, default));
        Assert.False(await blobs.ExistsAsync(id + MessageIntake.StagingSuffix, default)); // the staging copy is gone

        var delivered = await FetchFirstAsync();
        var ours = delivered.Headers.Where(h => h.Field == "Authentication-Results" && h.Value.TrimStart().StartsWith(AuthServId, StringComparison.Ordinal)).ToList();
        string header = Assert.Single(ours).Value;
        Assert.Contains("dkim=pass", header);
        Assert.Contains("header.d=sender.test", header);
        Assert.Contains("spf=fail", header); // 127.0.0.1 is not authorised ...
        Assert.Contains("dmarc=pass", header); // ... but the aligned DKIM signature passes DMARC
        Assert.Contains("header.from=sender.test", header);
        Assert.Contains("arc=none", header);
        Assert.DoesNotContain(delivered.Headers, h => h.Value.Contains("forged.test", StringComparison.Ordinal));
        Assert.Contains(delivered.Headers, h => h.Value.StartsWith("other.example", StringComparison.Ordinal)); // others' results stay
        Assert.Equal("Authentication-Results", delivered.Headers[0].Field); // on top, above our Received
    }

    [Fact]
    public async Task Authenticated_submission_is_not_checked()
    {
        var message = TestSigning.NewMessage(from: Bob);
        message.To.Clear();
        message.To.Add(MailboxAddress.Parse(Bob));
        using (var smtp = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true })
        {
            await smtp.ConnectAsync("127.0.0.1", _server.Port(EndpointKind.Submissions), SecureSocketOptions.SslOnConnect);
            await smtp.AuthenticateAsync(Bob, BobPassword);
            await smtp.SendAsync(message);
            await smtp.DisconnectAsync(true);
        }
        var delivered = await FetchFirstAsync();
        Assert.DoesNotContain(delivered.Headers, h => h.Field == "Authentication-Results");
        Assert.Equal("Received", delivered.Headers[0].Field);
    }

    private async Task<int> InboxCountAsync()
    {
        using var imap = await LoginAsync();
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        return imap.Inbox.Count;
    }

    private async Task<MimeMessage> FetchFirstAsync()
    {
        using var imap = await LoginAsync();
        for (int i = 0; i < 100; i++)
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            if (imap.Inbox.Count > 0) return await imap.Inbox.GetMessageAsync(0);
            await imap.Inbox.CloseAsync();
            await Task.Delay(100);
        }
        throw new TimeoutException("nothing was delivered to INBOX");
    }

    private async Task<ImapClient> LoginAsync()
    {
        var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await imap.ConnectAsync("127.0.0.1", _server.Port(EndpointKind.Imaps), SecureSocketOptions.SslOnConnect);
        await imap.AuthenticateAsync(Bob, BobPassword);
        return imap;
    }
}
