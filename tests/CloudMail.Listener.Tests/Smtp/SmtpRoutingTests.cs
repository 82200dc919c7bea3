using Microsoft.Extensions.DependencyInjection;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Messages;
using CloudMail.Core.Routing;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>
/// Routing over real SMTP on loopback, with the embedded outbound worker delivering through a recording transport (what
/// would go to the remote server is what tests read): plus-addressing, SRS on forwards and on bounces coming back, the
/// DSN parameters (RFC 3461) and REQUIRETLS (RFC 8689) as they reach the transport.
/// </summary>
public sealed class SmtpRoutingTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";

    private readonly RecordingOutboundTransport _transport = new();
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(services: s => s.AddSingleton<IOutboundTransport>(_transport));
        await _server.Get<IMailDirectory>().AddDomainAsync(TestServer.Domain, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> NewUserAsync()
    {
        string address = "u" + Guid.NewGuid().ToString("N")[..12] + "@" + TestServer.Domain;
        await _server.AddUserAsync(address, Password);
        return address;
    }

    /// <summary>The transport call that carries <paramref name="recipient"/> (15 s at most).</summary>
    private async Task<OutboundEnvelope> DeliveredToAsync(string recipient)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var call = _transport.Calls.FirstOrDefault(c => c.Envelope.Recipients.Any(r => r.Address == recipient));
            if (call.Envelope is not null) return call.Envelope;
            Assert.True(DateTime.UtcNow < deadline, $"nothing was delivered to {recipient}");
            await Task.Delay(50);
        }
    }

    private Task<RawSmtpClient> Port25Async() => RawSmtpClient.ConnectAndEhloAsync(_server.Port(EndpointKind.Smtp));

    private static async Task<string> SendAsync(RawSmtpClient client, string subject)
    {
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        return SmtpRemoteRecipientTests.QueuedId(await client.CommandAsync($"Subject: {subject}\r\n\r\nhello\r\n."));
    }

    [Fact]
    public async Task Mail_to_a_plus_address_is_read_over_imap_by_the_user_and_the_log_keeps_the_tag()
    {
        string user = await NewUserAsync();
        string tagged = user.Replace("@", "+news@");
        await using (var client = await Port25Async())
        {
            Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
            Assert.Equal("250 2.1.5 Recipient ok", (await client.CommandAsync($"RCPT TO:<{tagged}>")).ToString());
            Assert.Equal("550 5.1.1 Recipient address rejected: user unknown", (await client.CommandAsync($"RCPT TO:<nobody+news@{TestServer.Domain}>")).ToString());
            string id = await SendAsync(client, "tagged");
            var record = await SmtpRemoteRecipientTests.RoutedAsync(_server, id);
            Assert.Equal((tagged, DeliveryStatus.Delivered), (record.Recipient, record.Status));
        }

        using var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await imap.ConnectAsync("127.0.0.1", _server.Port(EndpointKind.Imap), SecureSocketOptions.StartTls);
        await imap.AuthenticateAsync(user, Password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, imap.Inbox.Count);
        Assert.Equal("tagged", (await imap.Inbox.GetMessageAsync(0)).Subject);
        await imap.DisconnectAsync(true);
    }

    [Fact]
    public async Task An_alias_forward_to_a_remote_address_goes_out_as_a_forward_job_with_an_srs_sender()
    {
        string alias = "fwd-" + Guid.NewGuid().ToString("N")[..8] + "@" + TestServer.Domain;
        await _server.Get<IMailDirectory>().AddAliasAsync(alias, "someone@other.test", CancellationToken.None);
        await using var client = await Port25Async();
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<alice@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{alias}>")).Code);
        await SendAsync(client, "forwarded");

        var envelope = await DeliveredToAsync("someone@other.test");

        Assert.StartsWith("SRS0=", envelope.MailFrom);
        Assert.EndsWith("=remote.test=alice@" + TestServer.Domain, envelope.MailFrom);
        Assert.Equal(new SrsReversal(SrsVerdict.Valid, "alice@remote.test"), _server.Get<SrsRewriter>().Reverse(envelope.MailFrom));
    }

    [Fact]
    public async Task An_alias_of_one_remote_address_passes_NOTIFY_and_ORCPT_on_and_one_of_two_does_not()
    {
        string single = "one-" + Guid.NewGuid().ToString("N")[..8] + "@" + TestServer.Domain;
        string list = "two-" + Guid.NewGuid().ToString("N")[..8] + "@" + TestServer.Domain;
        string target = "t" + Guid.NewGuid().ToString("N")[..8] + "@other.test";
        await _server.Get<IMailDirectory>().AddAliasAsync(single, target, CancellationToken.None);
        await _server.Get<IMailDirectory>().AddAliasAsync(list, "l1-" + target, CancellationToken.None);
        await _server.Get<IMailDirectory>().AddAliasAsync(list, "l2-" + target, CancellationToken.None);
        await using var client = await Port25Async();
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<alice@remote.test> ENVID=fwd-1")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{single}> NOTIFY=SUCCESS,FAILURE")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{list}> NOTIFY=SUCCESS")).Code);
        await SendAsync(client, "forwarded with dsn");

        var forwarded = Assert.Single((await DeliveredToAsync(target)).Recipients, r => r.Address == target);
        var expanded = (await DeliveredToAsync("l1-" + target)).Recipients.Single(r => r.Address == "l1-" + target);

        Assert.Equal(new OutboundRecipient(target, DsnNotify.Success | DsnNotify.Failure, "rfc822;" + single), forwarded);
        Assert.Equal(new OutboundRecipient("l1-" + target), expanded); // a list: its members are not told the alias's NOTIFY
        Assert.Equal("fwd-1", (await DeliveredToAsync(target)).EnvelopeId);
    }

    /// <summary>
    /// The original sender is a long, ordinary address, so the SRS local part is past RFC 5321's 64 octets (as SRS
    /// addresses often are): the bounce must still be taken, or forwarded mail could never bounce home.
    /// </summary>
    [Fact]
    public async Task A_bounce_to_a_valid_srs_address_is_accepted_on_port_25_and_returns_to_the_original_sender()
    {
        const string original = "firstname.middlename.lastname@mail.department.remote.test";
        string srs = _server.Get<SrsRewriter>().Forward(original, TestServer.Domain);
        Assert.True(srs.IndexOf('@') > 64, srs);
        await using var client = await Port25Async();
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<>")).Code);
        Assert.Equal("250 2.1.5 Recipient ok", (await client.CommandAsync($"RCPT TO:<{srs}>")).ToString());
        await SendAsync(client, "bounce");

        Assert.Equal("", (await DeliveredToAsync(original)).MailFrom);
    }

    [Fact]
    public async Task A_forged_srs_address_is_refused_at_rcpt_with_550_5_1_1()
    {
        string srs = _server.Get<SrsRewriter>().Forward("alice@remote.test", TestServer.Domain);
        var parsed = (Srs0Address)SrsAddress.Parse(srs)!;
        await using var client = await Port25Async();
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<>")).Code);

        foreach (string forged in new[] { (parsed with { OriginalDomain = "victim.test" }).Format(), $"SRS0=AAAA=AA=victim.test=bob@{TestServer.Domain}" })
            Assert.Equal("550 5.1.1 Recipient address rejected: user unknown", (await client.CommandAsync($"RCPT TO:<{forged}>")).ToString());
    }

    [Fact]
    public async Task Dsn_parameters_are_accepted_and_carried_in_the_envelope()
    {
        string user = await NewUserAsync();
        await using var client = await SmtpRemoteRecipientTests.SubmissionAsync(_server, EndpointKind.Submission, user);
        Assert.Contains("DSN", (await client.CommandAsync("EHLO client.test")).Extensions);
        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{user}> RET=HDRS ENVID=QQ+2B1")).Code);
        Assert.Equal(250, (await client.CommandAsync("RCPT TO:<friend@other.test> NOTIFY=FAILURE,DELAY ORCPT=rfc822;Friend+40other.test")).Code);
        Assert.Equal(250, (await client.CommandAsync("RCPT TO:<plain@other.test>")).Code);
        await SendAsync(client, "dsn");

        var envelope = await DeliveredToAsync("friend@other.test");

        Assert.Equal((DsnReturn?)DsnReturn.Headers, envelope.Return);
        Assert.Equal("QQ+1", envelope.EnvelopeId);
        Assert.Equal(
            [new OutboundRecipient("friend@other.test", DsnNotify.Failure | DsnNotify.Delay, "rfc822;Friend@other.test"), new OutboundRecipient("plain@other.test")],
            envelope.Recipients);
    }

    [Fact]
    public async Task NOTIFY_SUCCESS_for_a_local_mailbox_brings_the_sender_a_delivered_notice_and_no_NOTIFY_none()
    {
        string sender = await NewUserAsync(), asked = await NewUserAsync(), silent = await NewUserAsync();
        await using var client = await Port25Async();
        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{sender}> ENVID=receipt-1")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{asked}> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;{asked}")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{silent}>")).Code);
        await SendAsync(client, "with a receipt");

        string notice = await SmtpServerFixture.SingleDeliveredAsync(_server, sender);

        Assert.Contains("Subject: Successful Mail Delivery Report", notice);
        Assert.Contains("Action: delivered", notice);
        Assert.Contains("Final-Recipient: rfc822; " + asked, notice);
        Assert.Contains("Original-Recipient: rfc822; " + asked, notice);
        Assert.Contains("Original-Envelope-Id: receipt-1", notice);
        Assert.DoesNotContain(silent, notice);
        Assert.Contains("Subject: with a receipt", await SmtpServerFixture.SingleDeliveredAsync(_server, asked));
        Assert.Contains("Subject: with a receipt", await SmtpServerFixture.SingleDeliveredAsync(_server, silent));
    }

    [Theory]
    [InlineData("MAIL FROM:<a@remote.test> RET=BODY", null)]
    [InlineData("MAIL FROM:<a@remote.test> ENVID=bad+zz", null)]
    [InlineData("MAIL FROM:<a@remote.test> RET=FULL RET=FULL", null)]
    [InlineData("MAIL FROM:<a@remote.test> ENVID=", null)]
    [InlineData(null, "NOTIFY=NEVER,FAILURE")]
    [InlineData(null, "NOTIFY=SOMETIMES")]
    [InlineData(null, "ORCPT=no-semicolon")]
    [InlineData(null, "NOTIFY=DELAY NOTIFY=DELAY")]
    public async Task Malformed_dsn_parameters_get_501_5_5_4_and_the_session_goes_on(string? mail, string? rcptParameters)
    {
        string user = await NewUserAsync();
        await using var client = await Port25Async();
        if (mail is not null)
        {
            Assert.StartsWith("501 5.5.4 ", (await client.CommandAsync(mail)).ToString());
        }
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        if (rcptParameters is not null)
        {
            Assert.StartsWith("501 5.5.4 ", (await client.CommandAsync($"RCPT TO:<{user}> {rcptParameters}")).ToString());
        }
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{user}>")).Code);
        await SendAsync(client, "after a bad parameter");
        Assert.Contains("Subject: after a bad parameter", await SmtpServerFixture.SingleDeliveredAsync(_server, user));
    }

    [Fact]
    public async Task An_envid_longer_than_100_characters_is_refused()
    {
        await using var client = await Port25Async();
        Assert.StartsWith("501 5.5.4 ", (await client.CommandAsync("MAIL FROM:<a@remote.test> ENVID=" + new string('x', 101))).ToString());
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test> ENVID=" + new string('x', 100))).Code);
    }

    [Fact]
    public async Task Requiretls_is_offered_and_accepted_only_after_starttls_and_carried_in_the_envelope()
    {
        string alias = "tls-" + Guid.NewGuid().ToString("N")[..8] + "@" + TestServer.Domain;
        await _server.Get<IMailDirectory>().AddAliasAsync(alias, "someone@other.test", CancellationToken.None);
        await using var client = await RawSmtpClient.ConnectAsync(_server.Port(EndpointKind.Smtp));
        await client.ReadReplyAsync();
        Assert.DoesNotContain("REQUIRETLS", (await client.CommandAsync("EHLO client.test")).Extensions);
        Assert.Equal("530 5.7.10 REQUIRETLS needs a TLS session", (await client.CommandAsync("MAIL FROM:<a@remote.test> REQUIRETLS")).ToString());

        await client.StartTlsAsync();
        Assert.Contains("REQUIRETLS", (await client.CommandAsync("EHLO client.test")).Extensions);
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test> REQUIRETLS")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{alias}>")).Code);
        await SendAsync(client, "tls only");

        Assert.True((await DeliveredToAsync("someone@other.test")).RequireTls);
    }
}
