using CloudMail.Core.Directory;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>
/// A submitted message's From and Sender fields must name addresses the user may send as (the account, its aliases,
/// plus tags), as MAIL FROM must: otherwise a user could send mail as a colleague that this server signs with the
/// domain's DKIM key. Refused with 550 5.7.1 at the end of DATA (or of the last BDAT), nothing delivered, the session
/// still usable. A redirect by the user (Resent-From) may keep an author of a domain the server does not host.
/// </summary>
public class SmtpSubmissionAuthorTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private TestServer Server => fixture.Server;

    private Task<RawSmtpClient> SubmissionAsync(string user) => SmtpServerFixture.SubmissionAsync(Server, user);

    /// <summary>MAIL FROM the user, RCPT the recipient, DATA with <paramref name="header"/> and a short body: the final reply.</summary>
    private static async Task<RawReply> SendAsync(RawSmtpClient client, string user, string recipient, string header)
    {
        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{user}>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        return await client.CommandAsync(header.Replace("\n", "\r\n") + "\r\nbody\r\n.");
    }

    [Theory]
    [InlineData("From: Boss <{other}>\nSubject: pay this invoice\n")]
    [InlineData("From: {user}\nSender: {other}\nSubject: on behalf\n")]
    [InlineData("From: {user}, {other}\nSubject: two authors\n")]
    [InlineData("From: {user}\nFrom: {other}\nSubject: two From fields\n")]
    [InlineData("X-Not-A-Field\nFrom: {other}\nSubject: after a junk line\n")]
    [InlineData("FROM :\n  =?utf-8?q?Boss?= <{other}>\nSubject: folded, obsolete space\n")]
    public async Task A_from_or_sender_naming_a_colleague_is_refused_and_nothing_is_delivered(string template)
    {
        string user = await fixture.NewUserAsync(), other = await fixture.NewUserAsync(), recipient = await fixture.NewUserAsync();
        await using var client = await SubmissionAsync(user);

        var reply = await SendAsync(client, user, recipient, template.Replace("{user}", user).Replace("{other}", other));

        Assert.Equal($"550 5.7.1 From or Sender address <{other}> not owned by authenticated user", reply.ToString());
        Assert.Equal(250, (await client.CommandAsync("NOOP")).Code);
        await Task.Delay(300);
        Assert.Empty(await SmtpServerFixture.InboxAsync(Server, recipient));
    }

    [Theory]
    [InlineData("From:\nSubject: empty From\n")]
    [InlineData("From: undisclosed-senders:;\nSubject: group of nobody\n")]
    [InlineData("From: not an address\nSubject: no at sign\n")]
    public async Task A_from_that_names_no_mailbox_is_refused(string header)
    {
        string user = await fixture.NewUserAsync(), recipient = await fixture.NewUserAsync();
        await using var client = await SubmissionAsync(user);

        var reply = await SendAsync(client, user, recipient, header);

        Assert.Equal("550 5.7.1 The From and Sender fields must each name an address you may send as", reply.ToString());
    }

    [Fact]
    public async Task The_users_own_address_an_alias_and_a_plus_tag_are_accepted_in_from_and_sender()
    {
        string user = await fixture.NewUserAsync(), recipient = await fixture.NewUserAsync();
        string alias = "team-" + Guid.NewGuid().ToString("N")[..8] + "@" + TestServer.Domain;
        await Server.Get<IMailDirectory>().AddAliasAsync(alias, user, CancellationToken.None);
        string tagged = user.Replace("@", "+news@", StringComparison.Ordinal);
        await using var client = await SubmissionAsync(user);

        foreach (string header in new[]
                 {
                     $"From: \"Me\" <{user.ToUpperInvariant()}>\nSubject: own\n",
                     $"From: Team <{alias}>\nSender: {user}\nSubject: alias\n",
                     $"From: {tagged}\nSubject: tagged\n",
                     "Subject: no From: the server adds the envelope sender\n",
                 })
        {
            Assert.Equal(250, (await SendAsync(client, user, recipient, header)).Code);
        }
        Assert.Equal(4, (await SmtpServerFixture.WaitForInboxAsync(Server, recipient, 4)).Count);
    }

    /// <summary>
    /// A redirect (mutt's bounce, Thunderbird's Redirect: RFC 5322 §3.6.6) keeps the original From and names the user in
    /// Resent-From. It goes when the original author is of a domain this server does not host (its DKIM signature cannot
    /// align with it), also when the message was redirected before by someone else (an older resent block below).
    /// </summary>
    [Theory]
    [InlineData("Resent-From: {user}\nResent-Date: Mon, 7 Dec 2026 10:00:00 +0000\nResent-To: {recipient}\nFrom: Ann <ann@remote.test>\nSubject: redirected\n")]
    [InlineData("resent-from: Me <{user}>\nResent-Sender: {user}\nFrom: Ann <ann@remote.test>\nSender: list@lists.remote.test\nSubject: redirected, sender\n")]
    [InlineData("Resent-From: {user}\nResent-From: else@remote.test\nResent-Sender: else@remote.test\nFrom: ann@remote.test\nSubject: redirected twice\n")]
    [InlineData("Resent-From: else@remote.test\nFrom: {user}\nSubject: own message that was redirected to the user before\n")]
    public async Task A_redirect_by_the_user_of_mail_from_another_domain_is_accepted(string template)
    {
        string user = await fixture.NewUserAsync(), recipient = await fixture.NewUserAsync();
        await using var client = await SubmissionAsync(user);

        var reply = await SendAsync(client, user, recipient, template.Replace("{user}", user).Replace("{recipient}", recipient));

        Assert.Equal(250, reply.Code);
        Assert.Single(await SmtpServerFixture.WaitForInboxAsync(Server, recipient, 1));
    }

    [Fact]
    public async Task A_redirects_resent_bcc_field_is_removed_and_its_recipient_still_gets_the_message()
    {
        // RFC 5322 §3.6.6: Resent-Bcc is used as Bcc is; kept, it would show the hidden recipient to the others.
        string user = await fixture.NewUserAsync(), recipient = await fixture.NewUserAsync(), hidden = await fixture.NewUserAsync();
        await using var client = await SubmissionAsync(user);
        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{user}>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{hidden}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await client.CommandAsync(
            $"Resent-From: {user}\r\nResent-To: {recipient}\r\nResent-Bcc: {hidden}\r\nFrom: Ann <ann@remote.test>\r\nSubject: redirected\r\n\r\nbody\r\n.")).Code);

        foreach (string reader in new[] { recipient, hidden })
        {
            string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, reader);
            Assert.Contains($"Resent-To: {recipient}", stored, StringComparison.Ordinal);
            Assert.DoesNotContain("Resent-Bcc", stored, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(hidden, stored, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("Resent-From: {user}\nFrom: Boss <{other}>\nSubject: redirect of a colleague's address\n",
        "550 5.7.1 From or Sender address <{other}> not owned by authenticated user")]
    [InlineData("Resent-From: {other}\nFrom: ann@remote.test\nSubject: redirect as a colleague\n",
        "550 5.7.1 Resent-From or Resent-Sender address <{other}> not owned by authenticated user")]
    [InlineData("Resent-From: {user}\nResent-Sender: {other}\nFrom: ann@remote.test\nSubject: resent sender of a colleague\n",
        "550 5.7.1 Resent-From or Resent-Sender address <{other}> not owned by authenticated user")]
    [InlineData("Resent-From: undisclosed:;\nFrom: ann@remote.test\nSubject: resent by nobody\n",
        "550 5.7.1 The Resent-From and Resent-Sender fields must each name an address you may send as")]
    [InlineData("Resent-Sender: {user}\nFrom: ann@remote.test\nSubject: no Resent-From: not a redirect\n",
        "550 5.7.1 From or Sender address <ann@remote.test> not owned by authenticated user")]
    public async Task A_redirect_is_refused_unless_the_user_redirects_and_the_author_is_of_another_domain(string template, string expected)
    {
        string user = await fixture.NewUserAsync(), other = await fixture.NewUserAsync(), recipient = await fixture.NewUserAsync();
        await using var client = await SubmissionAsync(user);

        var reply = await SendAsync(client, user, recipient, template.Replace("{user}", user).Replace("{other}", other));

        Assert.Equal(expected.Replace("{other}", other), reply.ToString());
    }

    [Fact]
    public async Task A_header_split_across_bdat_chunks_is_checked_as_a_whole()
    {
        string user = await fixture.NewUserAsync(), other = await fixture.NewUserAsync(), recipient = await fixture.NewUserAsync();
        await using var client = await SubmissionAsync(user);
        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{user}>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);

        string first = $"Subject: chunked\r\nFrom: {user}\r\nSen", second = $"der: {other}\r\n\r\nbody\r\n";
        await client.SendAsync($"BDAT {first.Length}\r\n{first}");
        Assert.Equal(250, (await client.ReadReplyAsync()).Code);
        await client.SendAsync($"BDAT {second.Length} LAST\r\n{second}");

        Assert.Equal($"550 5.7.1 From or Sender address <{other}> not owned by authenticated user", (await client.ReadReplyAsync()).ToString());
    }

    /// <summary>
    /// A header that does not end within the 256 KiB the server holds cannot be checked (its From may come after): refused
    /// with 552 5.3.4, and with the check off it is taken as it came.
    /// </summary>
    [Theory]
    [InlineData(true, "552 5.3.4 Message header too long to check its From field: it must end within 256 KiB")]
    [InlineData(false, "250")]
    public async Task A_header_longer_than_the_part_read_is_refused_while_the_check_is_on(bool check, string expected)
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Smtp:MaxMessageSize"] = "2000000",
            ["CloudMail:Smtp:RequireOwnedFromHeader"] = check ? "true" : "false",
        });
        string user = await SmtpServerFixture.NewUserAsync(server), recipient = await SmtpServerFixture.NewUserAsync(server);
        await using var client = await SmtpServerFixture.SubmissionAsync(server, user);
        string folded = "X-Long: start\n" + string.Concat(Enumerable.Repeat(" " + new string('x', 70) + "\n", 4000)); // ~284 KiB of one field

        var reply = await SendAsync(client, user, recipient, folded + $"From: {user}\nSubject: long header\n");

        Assert.StartsWith(expected, reply.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mail_relayed_in_on_port_25_is_not_checked()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));

        Assert.Equal(250, (await SendAsync(client, "someone@remote.test", recipient, "From: Somebody Else <else@remote.test>\nSubject: relayed\n")).Code);
    }
}
