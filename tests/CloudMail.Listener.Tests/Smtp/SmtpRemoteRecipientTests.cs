using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Queue;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
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
/// The same server with a remote delivery route (<see cref="OpenRemoteRoute"/>, standing in for the outbound stage): the
/// one registration turns remote recipients on for SMTP and the inbound stage queues them for outbound delivery.
/// </summary>
public sealed class SmtpRemoteRouteTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await SmtpServerFixture.StartAsync(services: OpenRemoteRoute.Register);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task With_a_route_a_submission_to_a_remote_domain_is_accepted_and_its_job_carries_the_envelope()
    {
        string user = await SmtpServerFixture.NewUserAsync(_server);
        await using var client = await SmtpRemoteRecipientTests.SubmissionAsync(_server, EndpointKind.Submissions, user);
        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{user}>")).Code);
        Assert.Equal("250 2.1.5 Recipient ok", (await client.CommandAsync("RCPT TO:<Friend@Other.test>")).ToString());
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        string id = SmtpRemoteRecipientTests.QueuedId(await client.CommandAsync("Subject: env\r\n\r\nx\r\n."));

        // The inbound stage queues the remote recipient, with the same envelope, for the outbound stage (which has no
        // consumer here); read it there rather than racing the inbound worker.
        var job = await OutboundJobAsync(id);
        Assert.Equal(user, job.Envelope.MailFrom);
        Assert.Equal(["Friend@Other.test"], job.Envelope.Recipients);
        Assert.Equal(user, job.Envelope.AuthenticatedUser);
        Assert.Equal("127.0.0.1", job.Envelope.RemoteAddress);
        Assert.Equal("client.test", job.Envelope.HeloName);
        var record = await SmtpRemoteRecipientTests.RoutedAsync(_server, id);
        Assert.Equal((DeliveryStatus.Pending, "queued for remote delivery"), (record.Status, record.LastReply));
    }

    [Fact]
    public async Task With_a_route_an_alias_that_forwards_to_a_remote_domain_is_accepted_on_port_25()
    {
        string alias = await SmtpRemoteRecipientTests.RemoteOnlyAliasAsync(_server);
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(_server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{alias}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        string id = SmtpRemoteRecipientTests.QueuedId(await client.CommandAsync("Subject: fwd\r\n\r\nx\r\n."));

        Assert.Equal(["someone@other.test"], (await OutboundJobAsync(id)).EffectiveRecipients);
    }

    private Task<MailJob> OutboundJobAsync(string messageId) => OutboundJobAsync(_server, messageId);

    /// <summary>
    /// The outbound job of <paramref name="messageId"/> (with JobId <paramref name="jobId"/> when given), leased from the
    /// outbound queue, which nothing consumes in these servers (15 s at most). Leasing hides the other jobs it returns.
    /// </summary>
    internal static async Task<MailJob> OutboundJobAsync(TestServer server, string messageId, string? jobId = null)
    {
        var queue = server.Get<ILeasedMailQueue>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var seen = new List<MailJob>();
        while (true)
        {
            var leased = await queue.LeaseAsync(QueueNames.Outbound, 100, TimeSpan.FromMinutes(5), CancellationToken.None);
            seen.AddRange(leased.Select(l => l.Job));
            var job = seen.FirstOrDefault(j => j.MessageId == messageId && (jobId is null || j.JobId == jobId));
            if (job is not null) return job;
            Assert.True(DateTime.UtcNow < deadline, $"no outbound job {jobId} for {messageId}");
            await Task.Delay(50);
        }
    }
}
