using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>DATA and BDAT over raw sockets: end-of-data, smuggling, size limit, pipelining, stored bytes.</summary>
public class SmtpDataTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private TestServer Server => fixture.Server;

    private int Port25 => Server.Port(EndpointKind.Smtp);

    private static async Task<RawSmtpClient> TransactionAsync(int port, string recipient)
    {
        var client = await RawSmtpClient.ConnectAndEhloAsync(port);
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<sender@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        return client;
    }

    /// <summary>Body text between the Received header and the end: what the client sent, unstuffed.</summary>
    private static string WithoutReceived(string stored)
    {
        Assert.StartsWith("Received: from client.test ([127.0.0.1])\r\n\tby mail.example.test with ESMTP", stored);
        int end = stored.IndexOf("\r\n", stored.IndexOf("; ", StringComparison.Ordinal), StringComparison.Ordinal);
        return stored[(end + 2)..];
    }

    /// <summary>Name, the sequence, and how it is stored (bare CR/LF normalized; a dot after a real CRLF is unstuffed).</summary>
    public static TheoryData<string, string, string> SmugglingSequences => new()
    {
        { "LF.LF", "\n.\n", "\r\n.\r\n" },
        { "CR.CR", "\r.\r", "\r\n.\r\n" },
        { "LF.CRLF", "\n.\r\n", "\r\n.\r\n" },
        { "CR.CRLF", "\r.\r\n", "\r\n.\r\n" },
        { "CRLF.LF", "\r\n.\n", "\r\n\r\n" },
        { "CRLF.CR", "\r\n.\r", "\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(SmugglingSequences))]
    public async Task Smuggling_sequence_does_not_end_data_and_what_follows_is_body_text(string name, string sequence, string stored)
    {
        string recipient = await fixture.NewUserAsync();
        string victim = await fixture.NewUserAsync();
        await using var client = await TransactionAsync(Port25, recipient);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);

        // Everything in one write: if the sequence ended DATA, the smuggled commands would run and get replies.
        string smuggled = "MAIL FROM:<admin@example.test>\r\nRCPT TO:<" + victim + ">\r\nDATA\r\nSubject: smuggled\r\n\r\nevil\r\n";
        await client.SendAsync("Subject: " + name + "\r\n\r\nhello" + sequence + smuggled + ".\r\nQUIT\r\n");

        Assert.StartsWith("250 2.0.0 Ok: queued as ", (await client.ReadReplyAsync()).ToString());
        Assert.Equal("221 2.0.0 Bye", (await client.ReadReplyAsync()).ToString());
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));

        string body = WithoutReceived(await SmtpServerFixture.SingleDeliveredAsync(Server, recipient));
        Assert.Equal("Subject: " + name + "\r\n\r\nhello" + stored + smuggled, body);
        Assert.Empty(await SmtpServerFixture.InboxAsync(Server, victim));
    }

    [Fact]
    public async Task Bare_line_feeds_are_stored_as_crlf_and_dot_stuffing_is_removed()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await TransactionAsync(Port25, recipient);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        var reply = await client.CommandAsync("Subject: lines\r\n\r\nbare\nlf\r\n..stuffed\r\n...\r\n.");
        Assert.Equal(250, reply.Code);
        string body = WithoutReceived(await SmtpServerFixture.SingleDeliveredAsync(Server, recipient));
        Assert.Equal("Subject: lines\r\n\r\nbare\r\nlf\r\n.stuffed\r\n..\r\n", body);
    }

    [Fact]
    public async Task Received_header_comes_first_and_names_helo_address_host_protocol_id_and_the_single_recipient()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await TransactionAsync(Port25, recipient);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        var reply = await client.CommandAsync("Subject: trace\r\n\r\nx\r\n.");
        string id = reply.Text[(reply.Text.LastIndexOf(' ') + 1)..];
        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        string received = stored[..stored.IndexOf("Subject: trace", StringComparison.Ordinal)];
        Assert.Matches(
            $@"^Received: from client\.test \(\[127\.0\.0\.1\]\)\r\n\tby mail\.example\.test with ESMTP id {id}\r\n\tfor <{recipient}>; \w{{3}}, \d{{1,2}} \w{{3}} \d{{4}} \d\d:\d\d:\d\d \+0000\r\n$",
            received);
    }

    [Fact]
    public async Task Oversized_message_gets_552_after_the_data_and_the_connection_stays_usable()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await TransactionAsync(Port25, recipient);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        string line = new string('x', 998) + "\r\n";
        var big = new StringBuilder("Subject: big\r\n\r\n");
        while (big.Length <= SmtpServerFixture.MaxMessageSize * 3) big.Append(line);
        await client.SendAsync(big.ToString());
        var reply = await client.CommandAsync(".");
        Assert.Equal($"552 5.3.4 Message size exceeds fixed maximum message size of {SmtpServerFixture.MaxMessageSize} octets", reply.ToString());

        // Same connection: a small message goes through.
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<sender@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await client.CommandAsync("Subject: small\r\n\r\nok\r\n.")).Code);

        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.Contains("Subject: small", stored);
        // No blob (committed or temporary) of the refused message remains.
        byte[] marker = Encoding.ASCII.GetBytes("Subject: big");
        foreach (string file in System.IO.Directory.EnumerateFiles(Server.DataDirectory, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file) == CloudMail.Listener.Pipeline.ServeStartupRecovery.LockFileName) continue; // empty, locked by the server
            Assert.True(File.ReadAllBytes(file).AsSpan().IndexOf(marker) < 0, file);
        }
    }

    [Fact]
    public async Task A_message_of_exactly_the_limit_is_accepted()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await TransactionAsync(Port25, recipient);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        string head = "Subject: exact\r\n\r\n";
        var content = new StringBuilder(head);
        while (content.Length + 1000 <= SmtpServerFixture.MaxMessageSize) content.Append(new string('y', 998)).Append("\r\n");
        content.Append(new string('z', (int)(SmtpServerFixture.MaxMessageSize - content.Length - 2))).Append("\r\n");
        Assert.Equal(SmtpServerFixture.MaxMessageSize, content.Length);
        await client.SendAsync(content.ToString());
        Assert.Equal(250, (await client.CommandAsync(".")).Code);
        Assert.EndsWith(content.ToString(), await SmtpServerFixture.SingleDeliveredAsync(Server, recipient));
    }

    [Fact]
    public async Task Pipelined_commands_get_their_replies_in_order()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Port25);
        await client.SendAsync($"MAIL FROM:<a@remote.test>\r\nRCPT TO:<nobody@example.test>\r\nRCPT TO:<{recipient}>\r\nRCPT TO:<x@other.test>\r\nDATA\r\n");
        Assert.Equal(250, (await client.ReadReplyAsync()).Code);
        Assert.Equal(550, (await client.ReadReplyAsync()).Code);
        Assert.Equal(250, (await client.ReadReplyAsync()).Code);
        Assert.Equal(554, (await client.ReadReplyAsync()).Code);
        Assert.Equal(354, (await client.ReadReplyAsync()).Code);
        await client.SendAsync("Subject: pipelined\r\n\r\nx\r\n.\r\nMAIL FROM:<b@remote.test>\r\nRCPT TO:<" + recipient + ">\r\nDATA\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", (await client.ReadReplyAsync()).ToString());
        Assert.Equal(250, (await client.ReadReplyAsync()).Code);
        Assert.Equal(250, (await client.ReadReplyAsync()).Code);
        Assert.Equal(354, (await client.ReadReplyAsync()).Code);
        Assert.Equal(250, (await client.CommandAsync("Subject: second\r\n\r\ny\r\n.")).Code);
        Assert.Equal(2, (await SmtpServerFixture.WaitForInboxAsync(Server, recipient, 2)).Count);
    }

    [Fact]
    public async Task Bdat_chunks_are_stored_verbatim_and_acknowledged_per_chunk()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await TransactionAsync(Port25, recipient);
        string part1 = "Subject: chunked\r\n\r\nline with\r\n.\r\n";
        string part2 = "..not stuffed\r\nend\r\n";
        await client.SendAsync($"BDAT {part1.Length}\r\n{part1}BDAT {part2.Length} LAST\r\n{part2}");
        Assert.Equal($"250 2.0.0 {part1.Length} octets received", (await client.ReadReplyAsync()).ToString());
        Assert.StartsWith("250 2.0.0 Ok: queued as ", (await client.ReadReplyAsync()).ToString());
        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.EndsWith("\r\n" + part1 + part2, stored);
        Assert.StartsWith("Received: from client.test", stored);
    }

    [Fact]
    public async Task Bdat_out_of_order_is_refused_with_503_and_its_octets_are_never_run_as_commands()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Port25);
        string payload = "MAIL FROM:<a@remote.test>\r\n";
        await client.SendAsync($"BDAT {payload.Length}\r\n{payload}NOOP\r\n");
        Assert.Equal("503 5.5.1 Bad sequence of commands", (await client.ReadReplyAsync()).ToString());
        Assert.Equal("250 2.0.0 Ok", (await client.ReadReplyAsync()).ToString()); // the NOOP, not the MAIL
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code); // no transaction was opened
    }

    [Fact]
    public async Task Oversized_bdat_gets_552_and_the_connection_stays_usable()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await TransactionAsync(Port25, recipient);
        int size = (int)SmtpServerFixture.MaxMessageSize + 10;
        await client.SendAsync($"BDAT {size}\r\n");
        await client.SendAsync(Encoding.ASCII.GetBytes(new string('b', size)));
        Assert.Equal(552, (await client.ReadReplyAsync()).Code);
        await client.SendAsync("BDAT 5 LAST\r\nhello");
        Assert.Equal(503, (await client.ReadReplyAsync()).Code);
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<sender@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        await client.SendAsync("BDAT 19 LAST\r\nSubject: small\r\n\r\nx");
        Assert.Equal(250, (await client.ReadReplyAsync()).Code);
        Assert.Contains("Subject: small", await SmtpServerFixture.SingleDeliveredAsync(Server, recipient));
    }

    [Fact]
    public async Task Data_and_bdat_cannot_be_mixed_and_rset_drops_a_partial_bdat_message()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await TransactionAsync(Port25, recipient);
        await client.SendAsync("BDAT 3\r\nabc");
        Assert.Equal(250, (await client.ReadReplyAsync()).Code);
        Assert.Equal(503, (await client.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await client.CommandAsync("RSET")).Code);
        await client.SendAsync("BDAT 3 LAST\r\nabc");
        Assert.Equal(503, (await client.ReadReplyAsync()).Code);
        await Task.Delay(500);
        Assert.Empty(await SmtpServerFixture.InboxAsync(Server, recipient));
    }

    [Fact]
    public async Task Bdat_with_an_unreadable_size_closes_the_connection()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Port25);
        Assert.Equal(501, (await client.CommandAsync("BDAT lots")).Code);
        Assert.Equal(421, (await client.ReadReplyAsync()).Code);
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Client_disconnecting_mid_data_leaves_no_message()
    {
        string recipient = await fixture.NewUserAsync();
        var client = await TransactionAsync(Port25, recipient);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        await client.SendAsync("Subject: cut\r\n\r\nhalf a message\r\n");
        await client.DisposeAsync();
        await Task.Delay(500);
        Assert.Empty(await SmtpServerFixture.InboxAsync(Server, recipient));
    }
}
