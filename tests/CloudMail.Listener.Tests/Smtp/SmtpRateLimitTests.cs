using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>
/// Limits that end or slow abusive sessions: unknown recipients per session (directory harvest), messages and recipients
/// per client address and per authenticated account per hour.
/// </summary>
public sealed class SmtpRateLimitTests
{
    private static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

    private static async Task<RawSmtpClient> AuthenticatedAsync(TestServer server, string user)
    {
        var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Submission));
        await client.StartTlsAsync();
        Assert.Equal(250, (await client.CommandAsync("EHLO client.test")).Code);
        Assert.Equal(235, (await client.CommandAsync("AUTH PLAIN " + Plain(user, SmtpServerFixture.Password))).Code);
        return client;
    }

    [Fact]
    public async Task More_unknown_recipients_than_the_limit_end_the_session_with_421_even_between_accepted_messages()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Smtp:MaxUnknownRecipients"] = "3",
            ["CloudMail:Smtp:MaxErrors"] = "50",
        });
        string known = await SmtpServerFixture.NewUserAsync(server);
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        for (int i = 0; i < 2; i++) Assert.Equal(550, (await client.CommandAsync($"RCPT TO:<nobody{i}@example.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{known}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await client.CommandAsync("Subject: real\r\n\r\nreal mail\r\n.")).Code);
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(550, (await client.CommandAsync("RCPT TO:<nobody2@example.test>")).Code);
        Assert.Equal(550, (await client.CommandAsync("RCPT TO:<nobody3@example.test>")).Code);
        Assert.Equal("421 4.7.0 mail.example.test Too many unknown recipients, closing transmission channel", (await client.ReadReplyAsync()).ToString());
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task An_account_over_its_hourly_message_limit_gets_450_on_any_connection_and_other_accounts_do_not()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Smtp:MaxMessagesPerAccountPerHour"] = "2" });
        string user = await SmtpServerFixture.NewUserAsync(server);
        string other = await SmtpServerFixture.NewUserAsync(server);
        await using (var client = await AuthenticatedAsync(server, user))
        {
            Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{user}>")).Code);
            Assert.Equal(250, (await client.CommandAsync("RSET")).Code);
            Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{user}>")).Code);
            Assert.Equal(250, (await client.CommandAsync("RSET")).Code);
            Assert.Equal("450 4.7.1 Too many messages from you this hour; try again later", (await client.CommandAsync($"MAIL FROM:<{user}>")).ToString());
            Assert.Equal(250, (await client.CommandAsync("NOOP")).Code); // the session goes on
        }
        await using (var again = await AuthenticatedAsync(server, user))
            Assert.Equal(450, (await again.CommandAsync($"MAIL FROM:<{user}>")).Code);
        await using var fine = await AuthenticatedAsync(server, other);
        Assert.Equal(250, (await fine.CommandAsync($"MAIL FROM:<{other}>")).Code);
    }

    [Fact]
    public async Task A_client_address_over_its_hourly_recipient_limit_gets_450_at_rcpt()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Smtp:MaxRecipientsPerClientPerHour"] = "2" });
        var users = new[] { await SmtpServerFixture.NewUserAsync(server), await SmtpServerFixture.NewUserAsync(server), await SmtpServerFixture.NewUserAsync(server) };
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{users[0]}>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{users[1]}>")).Code);
        Assert.Equal("450 4.7.1 Too many recipients from you this hour; try again later", (await client.CommandAsync($"RCPT TO:<{users[2]}>")).ToString());
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code); // the two accepted recipients still get the message
        Assert.Equal(250, (await client.CommandAsync("Subject: two\r\n\r\nfor two\r\n.")).Code);
    }

    [Fact]
    public async Task Without_limits_set_port_25_takes_many_messages_from_one_address()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>());
        string user = await SmtpServerFixture.NewUserAsync(server);
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
        for (int i = 0; i < 150; i++)
        {
            Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
            Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{user}>")).Code);
            Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
            Assert.Equal(250, (await client.CommandAsync($"Subject: {i}\r\n\r\nmail {i}\r\n.")).Code);
        }
    }
}
