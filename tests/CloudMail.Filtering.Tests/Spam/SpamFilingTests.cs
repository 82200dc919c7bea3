using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Filtering.Tests.Spam;

/// <summary>Spam scoring in the running embedded server on port 25: Junk filing, verdict headers, refusal in the session.</summary>
public sealed class SpamFilingTests
{
    private const string Bob = "bob@" + TestServer.Domain;
    private const string BobPassword = "bob-password-1";

    /// <summary>Sends over port 25; returns the message id the server's 250 names ("queued as ID").</summary>
    private static async Task<string> SendRawAsync(TestServer server, string raw, string mailFrom = "sender@remote.test")
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
        var message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(raw)));
        string reply = await smtp.SendAsync(message, MailboxAddress.Parse(mailFrom), [MailboxAddress.Parse(Bob)]);
        await smtp.DisconnectAsync(true);
        return reply.Split(' ')[^1];
    }

    private const string Ham = "From: a@remote.test\r\nTo: bob@example.test\r\nSubject: lunch\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n"
        + "Message-ID: <ham@remote.test>\r\nX-Spam-Status: No, forged by the sender\r\n\r\nsee you\r\n";

    // MISSING_DATE 1.4 + MISSING_MID 0.5 + SUBJ_ALL_CAPS 0.8 + HTML_ONLY 0.7 + LINK_TEXT_MISMATCH 2.5 = 5.9
    private const string Spam = "From: a@remote.test\r\nTo: bob@example.test\r\nSubject: ACCOUNT SUSPENDED\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: text/html\r\n\r\n<a href=\"http://evil.example.net/\">https://www.mybank.test</a>\r\n";

    [Fact]
    public async Task Spam_goes_to_junk_with_the_verdict_headers_and_ham_to_the_inbox_without_the_senders_own_verdict()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Spam:Enabled"] = "true",
            ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100",
        });
        await server.AddUserAsync(Bob, BobPassword);
        string hamId = await SendRawAsync(server, Ham);
        string spamId = await SendRawAsync(server, Spam);

        var inbox = await MailboxPoller.WaitForAsync(server, Bob, BobPassword, "INBOX", 1);
        var junk = await MailboxPoller.WaitForAsync(server, Bob, BobPassword, "Junk", 1);
        var ham = Assert.Single(inbox);
        Assert.Equal("lunch", ham.Subject);
        Assert.Equal(["No, score=0.0 required=5.0 tests=none"], ham.Headers.Where(h => h.Field == "X-Spam-Status").Select(h => h.Value));
        var spam = Assert.Single(junk);
        Assert.Equal("5.9", spam.Headers["X-Spam-Score"]);
        Assert.Equal("Yes, score=5.9 required=5.0 tests=MISSING_DATE,MISSING_MID,SUBJ_ALL_CAPS,HTML_ONLY,LINK_TEXT_MISMATCH", spam.Headers["X-Spam-Status"]);
        Assert.Equal("YES", spam.Headers["X-Spam-Flag"]);

        // The verdict and the folder are in the delivery log, so `cloudmail trace` and the admin API show them.
        Assert.Equal("250 2.0.0 delivered to local mailbox (junk; spam 5.9 (MISSING_DATE,MISSING_MID,SUBJ_ALL_CAPS,HTML_ONLY,LINK_TEXT_MISMATCH))",
            (await DeliveryLogPoller.SingleAsync(server, spamId)).LastReply);
        Assert.Equal("250 2.0.0 delivered to local mailbox (inbox; spam 0.0 (none))", (await DeliveryLogPoller.SingleAsync(server, hamId)).LastReply);
    }

    [Fact]
    public async Task Mail_over_the_reject_threshold_is_refused_in_the_session()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Spam:Enabled"] = "true",
            ["CloudMail:Spam:RejectThreshold"] = "5.5",
        });
        await server.AddUserAsync(Bob, BobPassword);
        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => SendRawAsync(server, Spam));
        Assert.Equal(550, (int)refused.StatusCode);
        Assert.Contains("refused as spam (score 5.9", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blocklisted_client_and_link_failed_authentication_and_a_forged_hop_are_scored_and_filed_in_junk()
    {
        // dnsmasq answers: the client 127.0.0.1 listed in bl.test, the site evil.test listed in dbl.test; sender.test's SPF
        // allows 192.0.2.1 only (the client fails it) and its DMARC record asks for quarantine.
        await using var dns = await DnsmasqProcess.StartAsync(
            DnsmasqProcess.Host("1.0.0.127.bl.test", "127.0.0.2"),
            DnsmasqProcess.Host("evil.test.dbl.test", "127.0.1.2"),
            DnsmasqProcess.Host("fine.test.dbl.test", "127.255.255.254"),
            DnsmasqProcess.Txt("sender.test", "v=spf1 ip4:192.0.2.1 -all"),
            DnsmasqProcess.Txt("_dmarc.sender.test", "v=DMARC1; p=quarantine"));
        await using var server = await StartCheckingAsync(dns, new()
        {
            ["CloudMail:Filtering:QuarantineOnDmarcPolicy"] = "false",
            ["CloudMail:Spam:Enabled"] = "true",
            ["CloudMail:Spam:IpBlocklists:0:Zone"] = "bl.test",
            ["CloudMail:Spam:IpBlocklists:0:Score"] = "1.5",
            ["CloudMail:Spam:UriBlocklists:0:Zone"] = "dbl.test",
        });
        const string Headers = "From: a@sender.test\r\nTo: bob@example.test\r\nSubject: invoice\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n";
        // A hop "by" this server's own name below the field it writes itself: forged (RCVD_FORGED_OWN 2.0).
        const string Forged = "Received: from relay.sender.test ([10.1.1.1])\r\n\tby " + TestServer.HostName + " with ESMTP id OLD; Fri, 04 Dec 2026 09:00:00 +0000\r\n";

        await SendRawAsync(server, Forged + Headers + "Message-ID: <s@sender.test>\r\n\r\nPay at https://pay.evil.test/now\r\n", "bounce@sender.test");
        await SendRawAsync(server, Headers + "Message-ID: <h@sender.test>\r\n\r\nSee https://www.fine.test/\r\n", "bounce@sender.test");

        // SPF_FAIL 1.0 + DMARC_FAIL_QUARANTINE 3.0 + RCVD_IN_BL_TEST 1.5 = 5.5 for both; the first adds URIBL_DBL_TEST 3.0 and RCVD_FORGED_OWN 2.0.
        var junk = await MailboxPoller.WaitForAsync(server, Bob, BobPassword, "Junk", 2);
        var statuses = junk.ToDictionary(m => m.MessageId ?? "", m => m.Headers["X-Spam-Status"] ?? "");
        Assert.Equal("Yes, score=10.5 required=5.0 tests=RCVD_FORGED_OWN,SPF_FAIL,DMARC_FAIL_QUARANTINE,RCVD_IN_BL_TEST,URIBL_DBL_TEST", statuses["s@sender.test"]);
        Assert.Equal("Yes, score=5.5 required=5.0 tests=SPF_FAIL,DMARC_FAIL_QUARANTINE,RCVD_IN_BL_TEST", statuses["h@sender.test"]);
    }

    [Fact]
    public async Task Dmarc_quarantine_alone_files_mail_in_junk_without_spam_scoring()
    {
        await using var dns = await DnsmasqProcess.StartAsync(
            DnsmasqProcess.Txt("sender.test", "v=spf1 ip4:192.0.2.1 -all"),
            DnsmasqProcess.Txt("_dmarc.sender.test", "v=DMARC1; p=quarantine"));
        await using var server = await StartCheckingAsync(dns, []);
        string id = await SendRawAsync(server, "From: a@sender.test\r\nTo: bob@example.test\r\nSubject: hi\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n"
            + "Message-ID: <q@sender.test>\r\n\r\nhello\r\n", "bounce@sender.test");

        var junked = Assert.Single(await MailboxPoller.WaitForAsync(server, Bob, BobPassword, "Junk", 1));
        Assert.Contains("dmarc=fail", junked.Headers["Authentication-Results"], StringComparison.Ordinal);
        Assert.Null(junked.Headers["X-Spam-Status"]);
        Assert.Contains("(junk; spf=fail dkim=none dmarc=fail arc=none (quarantined: Junk))", (await DeliveryLogPoller.SingleAsync(server, id)).LastReply,
            StringComparison.Ordinal);
    }

    /// <summary>A server with the authentication checks on, resolving through <paramref name="dns"/>, plus <paramref name="settings"/>; Bob exists.</summary>
    private static async Task<TestServer> StartCheckingAsync(DnsmasqProcess dns, Dictionary<string, string?> settings)
    {
        settings["CloudMail:Dns:Servers:0"] = dns.Endpoint;
        settings["CloudMail:Dns:Timeout"] = "00:00:02";
        settings["CloudMail:Filtering:Enabled"] = "true";
        settings["CloudMail:Pipeline:PollInterval"] = "00:00:00.100";
        var server = await TestServer.StartAsync(settings);
        await server.AddUserAsync(Bob, BobPassword);
        return server;
    }
}
