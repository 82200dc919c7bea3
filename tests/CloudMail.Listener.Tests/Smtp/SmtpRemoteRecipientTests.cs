using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Queue;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>
/// Remote recipients while the server has no outbound route (the default): refused at RCPT on submission with
/// <c>550 5.7.1</c>, as are aliases that forward only to remote domains on every port, because nothing would deliver
/// or bounce them. Port 25's relay refusal (554) is in <see cref="SmtpEnvelopeTests"/>.
/// </summary>
public sealed class SmtpRemoteRecipientTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private const string NoRoute = "550 5.7.1 Remote delivery is not available on this server";

    private TestServer Server => fixture.Server;

    [Theory]
    [InlineData(EndpointKind.Submission)]
    [InlineData(EndpointKind.Submissions)]
    public async Task Submission_to_a_remote_domain_is_refused_with_550_5_7_1_and_local_recipients_still_work(EndpointKind port)
    {
        string sender = await fixture.NewUserAsync();
        string local = await fixture.NewUserAsync();
        await using var client = await SubmissionAsync(Server, port, sender);
        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{sender}>")).Code);
        Assert.Equal(NoRoute, (await client.CommandAsync("RCPT TO:<friend@other.test>")).ToString());
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{local}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await client.CommandAsync("Subject: local only\r\n\r\nhi\r\n.")).Code);
        Assert.Contains("Subject: local only", await SmtpServerFixture.SingleDeliveredAsync(Server, local));
    }

    [Fact]
    public async Task MailKit_submission_to_a_remote_recipient_fails_at_rcpt_with_550()
    {
        string sender = await fixture.NewUserAsync();
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 15000 };
        await client.ConnectAsync("127.0.0.1", Server.Port(EndpointKind.Submission), MailKit.Security.SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(sender, SmtpServerFixture.Password);
        var message = new MimeMessage { Subject = "to a friend", Body = new TextPart("plain") { Text = "hello" } };
        message.From.Add(MailboxAddress.Parse(sender));
        message.To.Add(MailboxAddress.Parse("friend@other.test"));

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message));

        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, refused.ErrorCode);
        Assert.Equal(550, (int)refused.StatusCode);
        Assert.Equal("friend@other.test", refused.Mailbox?.Address);
    }

    [Fact]
    public async Task An_alias_that_forwards_only_to_remote_domains_is_refused_with_550_5_7_1_on_port_25()
    {
        string alias = await RemoteOnlyAliasAsync(Server);
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(NoRoute, (await client.CommandAsync($"RCPT TO:<{alias}>")).ToString());
    }

    [Fact]
    public async Task An_alias_with_local_and_remote_targets_delivers_locally_and_logs_the_forward_it_could_not_deliver()
    {
        string member = await fixture.NewUserAsync();
        string alias = "team-" + Guid.NewGuid().ToString("N")[..8] + "@" + TestServer.Domain;
        await Server.Get<IMailDirectory>().AddAliasAsync(alias, member, CancellationToken.None);
        await Server.Get<IMailDirectory>().AddAliasAsync(alias, "contractor@other.test", CancellationToken.None);
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{alias}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        string id = QueuedId(await client.CommandAsync("Subject: to the team\r\n\r\nhi\r\n."));

        Assert.Contains("Subject: to the team", await SmtpServerFixture.SingleDeliveredAsync(Server, member));
        var record = await RoutedAsync(Server, id);
        Assert.Equal(DeliveryStatus.Delivered, record.Status);
        Assert.Contains("1 remote forward(s) not delivered", record.LastReply);
        Assert.Empty(await Server.Get<ILeasedMailQueue>().LeaseAsync(QueueNames.Outbound, 100, TimeSpan.FromMinutes(5), CancellationToken.None));
    }

    /// <summary>A new alias of the local domain whose only target is someone@other.test.</summary>
    internal static async Task<string> RemoteOnlyAliasAsync(TestServer server)
    {
        string alias = "fwd-" + Guid.NewGuid().ToString("N")[..8] + "@" + TestServer.Domain;
        await server.Get<IMailDirectory>().AddAliasAsync(alias, "someone@other.test", CancellationToken.None);
        return alias;
    }

    /// <summary>An authenticated session on 587 (STARTTLS) or 465 (implicit TLS).</summary>
    internal static async Task<RawSmtpClient> SubmissionAsync(TestServer server, EndpointKind port, string user)
    {
        bool implicitTls = port == EndpointKind.Submissions;
        var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(port), implicitTls);
        if (!implicitTls)
        {
            await client.StartTlsAsync();
            Assert.Equal(250, (await client.CommandAsync("EHLO client.test")).Code);
        }
        string plain = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0{user}\0{SmtpServerFixture.Password}"));
        Assert.Equal(235, (await client.CommandAsync("AUTH PLAIN " + plain)).Code);
        return client;
    }

    /// <summary>The delivery-log record of a one-recipient message once the inbound stage has routed it (15 s at most).</summary>
    internal static async Task<DeliveryRecord> RoutedAsync(TestServer server, string messageId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var records = await server.Get<IDeliveryLog>().GetAsync(messageId, CancellationToken.None);
            if (records.Count == 1 && records[0].Attempts > 0) return records[0];
            Assert.True(DateTime.UtcNow < deadline, $"message {messageId} was not routed: {string.Join(", ", records)}");
            await Task.Delay(50);
        }
    }

    /// <summary>The message id of a <c>250 2.0.0 Ok: queued as ID</c> reply.</summary>
    internal static string QueuedId(RawReply reply)
    {
        Assert.StartsWith("250 2.0.0 Ok: queued as ", reply.ToString());
        return reply.Text[(reply.Text.LastIndexOf(' ') + 1)..];
    }
}

/// <summary>
/// The same server with an outbound transport registered (the recording test double of <see cref="IOutboundTransport"/>):
/// the real <see cref="OutboundDeliveryRoute"/> then turns remote recipients on for SMTP, the inbound stage queues them,
/// and <c>serve</c>'s embedded outbound worker hands them to the transport and logs them delivered.
/// </summary>
public sealed class SmtpRemoteDeliveryTests : IAsyncLifetime
{
    private readonly RecordingOutboundTransport _transport = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await SmtpServerFixture.StartAsync(services: s => s.AddSingleton<IOutboundTransport>(_transport));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task With_a_transport_a_submission_to_a_remote_domain_is_delivered_by_the_embedded_outbound_worker()
    {
        string user = await SmtpServerFixture.NewUserAsync(_server);
        await using var client = await SmtpRemoteRecipientTests.SubmissionAsync(_server, EndpointKind.Submissions, user);
        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{user}>")).Code);
        Assert.Equal("250 2.1.5 Recipient ok", (await client.CommandAsync("RCPT TO:<Friend@Other.test>")).ToString());
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        string id = SmtpRemoteRecipientTests.QueuedId(await client.CommandAsync("Subject: env\r\n\r\nx\r\n."));

        var record = await DeliveredAsync(id);
        Assert.Equal(RecordingOutboundTransport.DeliveredReply, record.LastReply);
        var call = Assert.Single(_transport.Calls);
        Assert.Equal("other.test", call.Envelope.Domain);
        Assert.Equal(user, call.Envelope.MailFrom);
        Assert.Equal(["Friend@Other.test"], call.Envelope.Recipients.Select(r => r.Address));
        string sent = System.Text.Encoding.UTF8.GetString(call.Message);
        Assert.StartsWith("Received: from client.test", sent);
        Assert.Contains("[127.0.0.1]", sent);
        Assert.Contains("Subject: env", sent);
    }

    [Fact]
    public async Task A_remote_5xx_comes_back_to_the_submitter_as_one_RFC_3464_bounce_in_the_INBOX()
    {
        _transport.Script("nobody@other.test", (RecipientOutcome.Permanent, "550 5.1.1 <nobody@other.test>: user unknown"));
        string user = await SmtpServerFixture.NewUserAsync(_server);
        await using var client = await SmtpRemoteRecipientTests.SubmissionAsync(_server, EndpointKind.Submissions, user);
        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{user}>")).Code);
        Assert.Equal(250, (await client.CommandAsync("RCPT TO:<nobody@other.test>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        string id = SmtpRemoteRecipientTests.QueuedId(await client.CommandAsync("Subject: doomed\r\n\r\nx\r\n."));

        string bounce = await SmtpServerFixture.SingleDeliveredAsync(_server, user);

        var message = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(bounce)));
        Assert.Equal("Undelivered Mail Returned to Sender", message.Subject);
        var report = Assert.IsType<MultipartReport>(message.Body);
        var recipient = Assert.IsType<MessageDeliveryStatus>(report[1]).StatusGroups[1];
        Assert.Equal("rfc822; nobody@other.test", recipient["Final-Recipient"]);
        Assert.Equal("smtp; 550 5.1.1 <nobody@other.test>: user unknown", recipient["Diagnostic-Code"]);
        Assert.Equal("Subject: doomed", Assert.IsType<TextRfc822Headers>(report[2]).Message!.Headers[HeaderId.Subject] is { } subject ? "Subject: " + subject.Trim() : null);
        var record = Assert.Single(await _server.Get<IDeliveryLog>().GetAsync(id, CancellationToken.None));
        Assert.Equal(DeliveryStatus.Failed, record.Status);
    }

    [Fact]
    public async Task With_a_transport_an_alias_that_forwards_to_a_remote_domain_is_accepted_on_port_25_and_forwarded()
    {
        string alias = await SmtpRemoteRecipientTests.RemoteOnlyAliasAsync(_server);
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(_server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{alias}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        SmtpRemoteRecipientTests.QueuedId(await client.CommandAsync("Subject: fwd\r\n\r\nx\r\n."));

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (_transport.Calls.Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(["someone@other.test"], _transport.Recipients);
        // Forwarded with an SRS sender in the alias's domain, so the receiver's SPF check passes (RFC-style SRS0).
        Assert.StartsWith("SRS0=", Assert.Single(_transport.Calls).Envelope.MailFrom, StringComparison.Ordinal);
    }

    private async Task<DeliveryRecord> DeliveredAsync(string messageId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var records = await _server.Get<IDeliveryLog>().GetAsync(messageId, CancellationToken.None);
            if (records is [{ Status: DeliveryStatus.Delivered } record]) return record;
            var dead = await _server.Get<ILeasedMailQueue>().ListDeadLettersAsync(QueueNames.Outbound, 10, CancellationToken.None);
            Assert.True(DateTime.UtcNow < deadline, $"message {messageId} was not delivered: {string.Join(", ", records)} DEAD {string.Join(",", dead.Select(d => d.Reason))}");
            await Task.Delay(50);
        }
    }
}
