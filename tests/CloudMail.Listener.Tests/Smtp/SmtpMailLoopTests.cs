using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>
/// Loop detection (RFC 5321 §6.3): a message that arrives having passed through 100 hops (Received header fields) is
/// refused at the end of its data with 554 5.4.6, the session goes on, nothing is stored. Over raw sockets on port 25.
/// </summary>
public class SmtpMailLoopTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private TestServer Server => fixture.Server;

    private static string Hops(int count) => string.Concat(Enumerable.Range(0, count).Select(i =>
        $"Received: from relay{i}.remote.test (relay{i}.remote.test [192.0.2.{i % 250 + 1}])\r\n\tby relay{i + 1}.remote.test with ESMTP id {i}; Sun, 6 Dec 2026 10:00:00 +0000\r\n"));

    private async Task<RawSmtpClient> TransactionAsync(string recipient)
    {
        var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<list@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        return client;
    }

    [Fact]
    public async Task A_message_with_a_hundred_Received_fields_is_refused_and_the_session_goes_on()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await TransactionAsync(recipient);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);

        await client.SendAsync(Hops(100) + "Subject: looping\r\n\r\nround and round\r\n.\r\n");

        Assert.Equal("554 5.4.6 Too many hops (100 Received header fields): mail loop?", (await client.ReadReplyAsync()).ToString());
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<list@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync("RSET")).Code);
        await Task.Delay(300);
        Assert.Empty(await SmtpServerFixture.InboxAsync(Server, recipient));
    }

    [Fact]
    public async Task Ninety_nine_hops_are_accepted_and_stored_under_the_hundredth()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await TransactionAsync(recipient);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);

        // Received lines in the body are not hops.
        await client.SendAsync(Hops(99) + "Subject: long way\r\n\r\n" + Hops(5) + ".\r\n");

        Assert.StartsWith("250 2.0.0 Ok: queued as ", (await client.ReadReplyAsync()).ToString());
        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.StartsWith("Received: from client.test", stored);
        Assert.EndsWith("\r\n" + Hops(99) + "Subject: long way\r\n\r\n" + Hops(5), stored);
    }

    [Fact]
    public async Task Hops_are_counted_across_BDAT_chunks()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await TransactionAsync(recipient);
        string message = Hops(100) + "Subject: chunked loop\r\n\r\nbody\r\n";
        int cut = Hops(50).Length + 4; // inside the name of the 51st field
        string part1 = message[..cut], part2 = message[cut..];

        await client.SendAsync($"BDAT {part1.Length}\r\n{part1}BDAT {part2.Length} LAST\r\n{part2}");

        Assert.Equal($"250 2.0.0 {part1.Length} octets received", (await client.ReadReplyAsync()).ToString());
        Assert.Equal("554 5.4.6 Too many hops (100 Received header fields): mail loop?", (await client.ReadReplyAsync()).ToString());
        await Task.Delay(300);
        Assert.Empty(await SmtpServerFixture.InboxAsync(Server, recipient));
    }
}
