using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>
/// RFC 5321 §4.5.1: an SMTP server MUST accept mail for postmaster at each of its domains and for the bare
/// <c>&lt;Postmaster&gt;</c> (and at the address literal of the address connected to, §4.1.3), with no setup beyond a
/// domain and a user (DMARC and TLS reports are sent there too).
/// </summary>
public sealed class SmtpPostmasterTests
{
    [Fact]
    public async Task Postmaster_in_any_form_reaches_the_first_user_of_a_fresh_server()
    {
        await using var server = await SmtpServerFixture.StartAsync();
        string first = await SmtpServerFixture.NewUserAsync(server);
        await SmtpServerFixture.NewUserAsync(server);

        await using var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<>")).Code);
        Assert.Equal(250, (await client.CommandAsync("RCPT TO:<Postmaster>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<POSTMASTER@{TestServer.Domain}>")).Code);
        Assert.Equal(250, (await client.CommandAsync("RCPT TO:<postmaster@[127.0.0.1]>")).Code); // the address connected to
        Assert.Equal(554, (await client.CommandAsync("RCPT TO:<postmaster@[192.0.2.1]>")).Code); // another host's: relaying
        Assert.Equal(554, (await client.CommandAsync("RCPT TO:<someone@[127.0.0.1]>")).Code); // only postmaster is implied
        Assert.Equal(550, (await client.CommandAsync($"RCPT TO:<webmaster@{TestServer.Domain}>")).Code); // only postmaster is implied
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await client.CommandAsync("Subject: bounce report\r\n\r\nhello postmaster\r\n.")).Code);

        string delivered = await SmtpServerFixture.SingleDeliveredAsync(server, first);
        Assert.Contains("hello postmaster", delivered, StringComparison.Ordinal);
    }
}
