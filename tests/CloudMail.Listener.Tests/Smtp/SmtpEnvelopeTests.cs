using CloudMail.Core.Directory;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>MAIL and RCPT rules: relaying, unknown recipients, sender ownership, limits.</summary>
public class SmtpEnvelopeTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private TestServer Server => fixture.Server;

    private Task<RawSmtpClient> SubmissionAsync(string user) => SmtpServerFixture.SubmissionAsync(Server, user);

    [Fact]
    public async Task Open_relay_attempt_on_port_25_is_refused_with_554_5_7_1()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<spammer@remote.test>")).Code);
        Assert.Equal("554 5.7.1 Relay access denied", (await client.CommandAsync("RCPT TO:<victim@other.test>")).ToString());
        Assert.Equal("554 5.7.1 Relay access denied", (await client.CommandAsync("RCPT TO:<victim@[192.0.2.1]>")).ToString());
        Assert.Equal(503, (await client.CommandAsync("DATA")).Code);
    }

    [Fact]
    public async Task Relay_attempt_on_587_without_auth_is_refused_at_mail_with_530()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Submission));
        await client.StartTlsAsync();
        Assert.Equal(250, (await client.CommandAsync("EHLO client.test")).Code);
        Assert.Equal("530 5.7.0 Authentication required", (await client.CommandAsync("MAIL FROM:<spammer@remote.test>")).ToString());
        Assert.Equal("503 5.5.1 Bad sequence of commands", (await client.CommandAsync("RCPT TO:<victim@other.test>")).ToString());
    }

    [Fact]
    public async Task Unknown_local_recipient_gets_550_5_1_1_on_port_25_and_on_submission()
    {
        string known = await fixture.NewUserAsync();
        await using (var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp)))
        {
            Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
            Assert.Equal("550 5.1.1 Recipient address rejected: user unknown", (await client.CommandAsync("RCPT TO:<nobody@example.test>")).ToString());
            Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{known}>")).Code);
        }
        await using (var client = await SubmissionAsync(known))
        {
            Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{known}>")).Code);
            Assert.Equal(550, (await client.CommandAsync("RCPT TO:<nobody@example.test>")).Code);
        }
    }

    [Fact]
    public async Task Alias_recipients_are_accepted_and_deliver_to_the_target()
    {
        string target = await fixture.NewUserAsync();
        string alias = "alias-" + Guid.NewGuid().ToString("N")[..8] + "@example.test";
        await Server.Get<IMailDirectory>().AddAliasAsync(alias, target, CancellationToken.None);
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{alias.ToUpperInvariant()}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await client.CommandAsync("Subject: to alias\r\n\r\nhi\r\n.")).Code);
        Assert.Contains("Subject: to alias", await SmtpServerFixture.SingleDeliveredAsync(Server, target));
    }

    [Fact]
    public async Task Submission_sender_must_be_the_user_or_one_of_the_users_aliases_else_553()
    {
        string user = await fixture.NewUserAsync();
        string other = await fixture.NewUserAsync();
        string alias = "me-" + Guid.NewGuid().ToString("N")[..8] + "@example.test";
        await Server.Get<IMailDirectory>().AddAliasAsync(alias, user, CancellationToken.None);
        await using var client = await SubmissionAsync(user);
        Assert.Equal("553 5.7.1 Sender address not owned by authenticated user", (await client.CommandAsync($"MAIL FROM:<{other}>")).ToString());
        Assert.Equal(553, (await client.CommandAsync("MAIL FROM:<ceo@other.test>")).Code);
        Assert.Equal("250 2.1.0 Sender ok", (await client.CommandAsync($"MAIL FROM:<{user.ToUpperInvariant()}>")).ToString());
        Assert.Equal(250, (await client.CommandAsync("RSET")).Code);
        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{alias}>")).Code);
    }

    /// <summary>
    /// A read receipt (RFC 8098 §3) or an automatic reply (RFC 3834 §3.3) goes with the null sender so that nothing bounces
    /// back: taken on submission, with the From check still applied, and a message without From gets the account's.
    /// </summary>
    [Fact]
    public async Task Submission_takes_the_null_sender_for_receipts_and_still_checks_the_from_field()
    {
        string user = await fixture.NewUserAsync(), other = await fixture.NewUserAsync(), recipient = await fixture.NewUserAsync();
        await using var client = await SubmissionAsync(user);

        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await client.CommandAsync(
            "Subject: Read: hello\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n\r\n--b\r\n\r\nread\r\n--b--\r\n.")).Code);
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        Assert.Equal($"550 5.7.1 From or Sender address <{other}> not owned by authenticated user",
            (await client.CommandAsync($"From: {other}\r\nSubject: receipt as someone else\r\n\r\nx\r\n.")).ToString());

        string delivered = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.Contains($"From: <{user}>", delivered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submission_sender_may_carry_a_plus_tag_on_the_users_address_or_alias_but_not_on_someone_elses()
    {
        string user = await fixture.NewUserAsync();
        string other = await fixture.NewUserAsync();
        string alias = "me-" + Guid.NewGuid().ToString("N")[..8] + "@example.test";
        await Server.Get<IMailDirectory>().AddAliasAsync(alias, user, CancellationToken.None);
        static string Tagged(string address, string tag) => address.Replace("@", "+" + tag + "@", StringComparison.Ordinal);
        await using var client = await SubmissionAsync(user);
        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{Tagged(user, "lists")}>")).Code);
        Assert.Equal(250, (await client.CommandAsync("RSET")).Code);
        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{Tagged(alias, "shop")}>")).Code);
        Assert.Equal(250, (await client.CommandAsync("RSET")).Code);
        Assert.Equal(553, (await client.CommandAsync($"MAIL FROM:<{Tagged(other, "lists")}>")).Code);
    }

    [Fact]
    public async Task Port_25_accepts_the_null_sender_for_bounces()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
    }

    [Fact]
    public async Task Declared_size_over_the_limit_is_refused_at_mail_with_552()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        var reply = await client.CommandAsync($"MAIL FROM:<a@remote.test> SIZE={SmtpServerFixture.MaxMessageSize + 1}");
        Assert.Equal($"552 5.3.4 Message size exceeds fixed maximum message size of {SmtpServerFixture.MaxMessageSize} octets", reply.ToString());
        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<a@remote.test> SIZE={SmtpServerFixture.MaxMessageSize}")).Code);
    }

    [Fact]
    public async Task More_recipients_than_the_limit_get_452_4_5_3_and_duplicates_count_once()
    {
        var users = new List<string>();
        for (int i = 0; i <= SmtpServerFixture.MaxRecipients; i++) users.Add(await fixture.NewUserAsync());
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{users[0]}>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{users[0]}>")).Code);
        for (int i = 1; i < SmtpServerFixture.MaxRecipients; i++) Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{users[i]}>")).Code);
        Assert.Equal("452 4.5.3 Too many recipients", (await client.CommandAsync($"RCPT TO:<{users[^1]}>")).ToString());
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await client.CommandAsync("Subject: many\r\n\r\nx\r\n.")).Code);
        for (int i = 0; i < SmtpServerFixture.MaxRecipients; i++) Assert.Single(await SmtpServerFixture.WaitForInboxAsync(Server, users[i]));
        Assert.Empty(await SmtpServerFixture.InboxAsync(Server, users[^1]));
    }

    [Fact]
    public async Task Non_ascii_addresses_need_smtputf8()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        Assert.Equal("553 5.6.7 Non-ASCII address requires the SMTPUTF8 parameter", (await client.CommandAsync("MAIL FROM:<j\u00f6rg@remote.test>")).ToString());
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<j\u00f6rg@remote.test> SMTPUTF8")).Code);
        Assert.Equal(550, (await client.CommandAsync("RCPT TO:<j\u00f6rg@example.test>")).Code);
    }

    [Fact]
    public async Task An_internationalized_local_domain_takes_mail_named_by_its_u_label_or_its_a_label()
    {
        // RFC 6531 §3.2: an SMTPUTF8 client may name the domain in U-labels; it is the domain kept as xn--bcher-kva.test.
        const string Domain = "xn--bcher-kva.test";
        await Server.Get<IMailDirectory>().AddDomainAsync(Domain, CancellationToken.None);
        string user = "u" + Guid.NewGuid().ToString("N")[..12] + "@" + Domain;
        await Server.AddUserAsync(user, SmtpServerFixture.Password);
        string local = user[..user.IndexOf('@')];
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<j\u00f6rg@remote.test> SMTPUTF8")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{local}@b\u00fccher.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{local}@B\u00dcCHER.TEST>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{local}@{Domain}>")).Code);
        Assert.Equal(550, (await client.CommandAsync("RCPT TO:<nobody@b\u00fccher.test>")).Code); // a local domain: unknown user, not relay
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await client.CommandAsync("Subject: to a U-label\r\n\r\nhi\r\n.")).Code);
        Assert.Contains("Subject: to a U-label", await SmtpServerFixture.SingleDeliveredAsync(Server, user));
    }

    [Fact]
    public async Task A_quoted_local_part_names_the_same_mailbox_as_the_unquoted_one()
    {
        string user = await fixture.NewUserAsync();
        string local = user[..user.IndexOf('@')];
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<\"sender\"@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<\"{local}\"@example.test>")).Code);
        Assert.Equal(550, (await client.CommandAsync($"RCPT TO:<\"{local} \"@example.test>")).Code);
    }

    [Fact]
    public async Task Bare_postmaster_is_accepted_when_a_postmaster_exists()
    {
        await Server.Get<IMailDirectory>().AddAliasAsync("postmaster@example.test", await fixture.NewUserAsync(), CancellationToken.None);
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<>")).Code);
        Assert.Equal(250, (await client.CommandAsync("RCPT TO:<Postmaster>")).Code);
    }
}
