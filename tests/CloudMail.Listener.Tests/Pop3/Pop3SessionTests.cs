using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Pop3;

/// <summary>RFC 1939 behaviour on the wire, checked line by line with a raw client over TLS.</summary>
[Collection(Pop3ServerCollection.Name)]
public sealed class Pop3SessionTests(Pop3ServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    private async Task<(Pop3LineClient Client, string User)> LoggedInAsync(params byte[][] messages)
    {
        string user = await Pop3TestMail.NewUserAsync(Server);
        foreach (var m in messages) await Pop3TestMail.AppendAsync(Server, user, m);
        var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        await client.LoginAsync(user, Pop3TestMail.Password);
        return (client, user);
    }

    [Fact]
    public async Task Greeting_is_positive_and_carries_no_apop_timestamp()
    {
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        Assert.StartsWith("+OK ", client.Greeting);
        Assert.EndsWith("ready", client.Greeting);
        Assert.DoesNotContain("<", client.Greeting);
    }

    [Fact]
    public async Task Capa_over_tls_lists_the_extensions_and_no_stls()
    {
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        var (status, caps) = await client.MultiLineAsync("CAPA");
        Assert.StartsWith("+OK", status);
        foreach (string cap in new[] { "TOP", "UIDL", "USER", "SASL PLAIN LOGIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE NEVER", "IMPLEMENTATION CloudMail" })
            Assert.Contains(cap, caps);
        Assert.DoesNotContain("STLS", caps);
    }

    [Fact]
    public async Task Stat_list_and_uidl_number_messages_by_ascending_uid_with_exact_sizes()
    {
        byte[] first = Pop3TestMail.Message("one", "first body\r\n");
        byte[] second = Pop3TestMail.Message("two", "second, longer body\r\n");
        var (client, user) = await LoggedInAsync(first, second);
        await using var _ = client;
        var uids = await Pop3TestMail.InboxUidsAsync(Server, user);
        uint validity = (await Server.Get<IMailboxIndex>().GetMailboxAsync(user, "INBOX", CancellationToken.None))!.UidValidity;

        Assert.Equal($"+OK 2 {first.Length + second.Length}", await client.CommandAsync("STAT"));
        var (status, list) = await client.MultiLineAsync("LIST");
        Assert.StartsWith("+OK 2 messages", status);
        Assert.Equal([$"1 {first.Length}", $"2 {second.Length}"], list);
        Assert.Equal($"+OK 2 {second.Length}", await client.CommandAsync("LIST 2"));

        var (_, uidl) = await client.MultiLineAsync("UIDL");
        Assert.Equal([$"1 {validity}.{uids[0]}", $"2 {validity}.{uids[1]}"], uidl);
        Assert.Equal($"+OK 1 {validity}.{uids[0]}", await client.CommandAsync("UIDL 1"));
    }

    [Fact]
    public async Task Retr_sends_the_message_with_its_size_and_the_terminator()
    {
        byte[] message = Pop3TestMail.Message("retr", "line one\r\nline two\r\n");
        var (client, _) = await LoggedInAsync(message);
        await using var __ = client;
        Assert.Equal($"+OK {message.Length} octets", await client.CommandAsync("RETR 1"));
        byte[] raw = await client.ReadRawMultiLineAsync();
        byte[] expected = [.. message, .. ".\r\n"u8.ToArray()];
        Assert.Equal(expected, raw);
    }

    [Fact]
    public async Task Lines_starting_with_a_dot_are_byte_stuffed_on_the_wire()
    {
        byte[] message = Pop3TestMail.Message("dots", ".leading dot\r\n..two dots\r\n.\r\nend\r\n");
        var (client, _) = await LoggedInAsync(message);
        await using var __ = client;
        Assert.StartsWith("+OK", await client.CommandAsync("RETR 1"));
        string wire = Encoding.Latin1.GetString(await client.ReadRawMultiLineAsync());
        Assert.Contains("\r\n..leading dot\r\n...two dots\r\n..\r\nend\r\n.\r\n", wire);
        Assert.StartsWith("+OK", await client.CommandAsync("TOP 1 1"));
        Assert.EndsWith("\r\n\r\n..leading dot\r\n.\r\n", Encoding.Latin1.GetString(await client.ReadRawMultiLineAsync()));
    }

    [Fact]
    public async Task Bare_lf_message_is_sent_with_crlf_and_list_reports_the_sent_size()
    {
        byte[] stored = Encoding.ASCII.GetBytes("Subject: lf only\n\nbody line\n.dot line\nlast line without end");
        var (client, _) = await LoggedInAsync(stored);
        await using var __ = client;
        const string expected = "Subject: lf only\r\n\r\nbody line\r\n.dot line\r\nlast line without end\r\n";
        Assert.Equal($"+OK 1 {expected.Length}", await client.CommandAsync("LIST 1"));
        Assert.Equal($"+OK 1 {expected.Length}", await client.CommandAsync("STAT"));
        Assert.Equal($"+OK {expected.Length} octets", await client.CommandAsync("RETR 1"));
        string wire = Encoding.Latin1.GetString(await client.ReadRawMultiLineAsync());
        Assert.Equal(expected.Replace("\r\n.dot", "\r\n..dot", StringComparison.Ordinal) + ".\r\n", wire);
    }

    [Fact]
    public async Task Eight_bit_content_passes_byte_exact()
    {
        byte[] message = [.. Encoding.ASCII.GetBytes("Subject: 8bit\r\nContent-Type: text/plain; charset=latin1\r\n\r\n"), 0xE9, 0xFF, 0x80, 0x00, 0x7F, (byte)'\r', (byte)'\n'];
        var (client, _) = await LoggedInAsync(message);
        await using var __ = client;
        Assert.Equal($"+OK {message.Length} octets", await client.CommandAsync("RETR 1"));
        byte[] expected = [.. message, .. ".\r\n"u8.ToArray()];
        Assert.Equal(expected, await client.ReadRawMultiLineAsync());
    }

    [Fact]
    public async Task Top_sends_the_header_the_blank_line_and_n_body_lines()
    {
        byte[] message = Pop3TestMail.Message("top", "b1\r\nb2\r\nb3\r\n");
        var (client, _) = await LoggedInAsync(message);
        await using var __ = client;
        var (status, lines) = await client.MultiLineAsync("TOP 1 2");
        Assert.StartsWith("+OK", status);
        Assert.Equal(["", "b1", "b2"], lines[^3..]);
        Assert.Contains("Subject: top", lines);
        var (_, headerOnly) = await client.MultiLineAsync("TOP 1 0");
        Assert.Equal("", headerOnly[^1]);
        Assert.Equal(lines.Count - 2, headerOnly.Count);
    }

    [Fact]
    public async Task Retr_marks_the_message_seen_in_the_shared_index_and_top_does_not()
    {
        var (client, user) = await LoggedInAsync(Pop3TestMail.Message("a", "x\r\n"), Pop3TestMail.Message("b", "y\r\n"));
        await using var _ = client;
        await client.MultiLineAsync("TOP 1 0");
        await client.MultiLineAsync("RETR 2");
        Assert.Equal("+OK", await client.CommandAsync("NOOP"));
        var inbox = await Pop3TestMail.InboxAsync(Server, user);
        Assert.False(inbox[0].Flags.HasFlag(MessageFlags.Seen));
        Assert.True(inbox[1].Flags.HasFlag(MessageFlags.Seen));
    }

    [Fact]
    public async Task Deleted_message_is_refused_by_every_command_that_names_it()
    {
        var (client, _) = await LoggedInAsync(Pop3TestMail.Message("a", "x\r\n"), Pop3TestMail.Message("b", "y\r\n"));
        await using var __ = client;
        Assert.Equal("+OK message 1 deleted", await client.CommandAsync("DELE 1"));
        foreach (string command in new[] { "RETR 1", "LIST 1", "UIDL 1", "TOP 1 0", "DELE 1" })
            Assert.Equal("-ERR message 1 already deleted", await client.CommandAsync(command));
        var (stat, list) = await client.MultiLineAsync("LIST");
        Assert.StartsWith("+OK 1 messages", stat);
        Assert.Single(list);
        Assert.StartsWith("2 ", list[0]);
        Assert.StartsWith("+OK 1 ", await client.CommandAsync("STAT"));
    }

    [Fact]
    public async Task Rset_undeletes_and_quit_then_deletes_nothing()
    {
        var (client, user) = await LoggedInAsync(Pop3TestMail.Message("a", "x\r\n"), Pop3TestMail.Message("b", "y\r\n"));
        await using (client)
        {
            await client.CommandAsync("DELE 1");
            await client.CommandAsync("DELE 2");
            Assert.Equal("+OK maildrop has 2 messages", await client.CommandAsync("RSET"));
            Assert.StartsWith("+OK 1 ", await client.CommandAsync("LIST 1"));
            Assert.StartsWith("+OK", await client.CommandAsync("QUIT"));
        }
        Assert.Equal(2, (await Pop3TestMail.InboxAsync(Server, user)).Count);
    }

    [Fact]
    public async Task Quit_in_transaction_expunges_the_marked_messages_from_the_shared_inbox_and_signals_imap()
    {
        var (client, user) = await LoggedInAsync(Pop3TestMail.Message("a", "x\r\n"), Pop3TestMail.Message("b", "y\r\n"), Pop3TestMail.Message("c", "z\r\n"));
        var uids = await Pop3TestMail.InboxUidsAsync(Server, user);
        int signals = 0;
        using var subscription = Server.Get<MailboxChangeNotifier>().Subscribe(user, _ => Interlocked.Increment(ref signals));
        await using (client)
        {
            await client.CommandAsync("DELE 1");
            await client.CommandAsync("DELE 3");
            Assert.Equal("+OK CloudMail POP3 server signing off (2 messages deleted)", await client.CommandAsync("QUIT"));
            Assert.True(await client.IsClosedByServerAsync());
        }
        Assert.Equal([uids[1]], await Pop3TestMail.InboxUidsAsync(Server, user));
        Assert.True(signals >= 1);
    }

    [Fact]
    public async Task Dropped_connection_without_quit_deletes_nothing_and_releases_the_lock()
    {
        var (client, user) = await LoggedInAsync(Pop3TestMail.Message("a", "x\r\n"));
        await client.CommandAsync("DELE 1");
        await client.DisposeAsync(); // no QUIT
        await using var again = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        for (int attempt = 0; ; attempt++)
        {
            await again.SendAsync($"USER {user}\r\n");
            await again.ReadLineAsync();
            string reply = await again.CommandAsync("PASS " + Pop3TestMail.Password);
            if (reply.StartsWith("+OK", StringComparison.Ordinal)) break;
            Assert.Contains("[IN-USE]", reply); // the server may not have seen the drop yet
            Assert.True(attempt < 50, "the lock of a dropped session must be released");
            await Task.Delay(100);
        }
        Assert.StartsWith("+OK 1 ", await again.CommandAsync("STAT"));
        Assert.Single(await Pop3TestMail.InboxAsync(Server, user));
    }

    [Fact]
    public async Task Second_concurrent_session_gets_in_use_until_the_first_quits()
    {
        var (first, user) = await LoggedInAsync(Pop3TestMail.Message("a", "x\r\n"));
        await using var second = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        Assert.StartsWith("+OK", await second.CommandAsync("USER " + user));
        string refused = await second.CommandAsync("PASS " + Pop3TestMail.Password);
        Assert.StartsWith("-ERR [IN-USE]", refused);
        Assert.Equal("-ERR command not valid in this state", await second.CommandAsync("STAT")); // still AUTHORIZATION

        await using (first) Assert.StartsWith("+OK", await first.CommandAsync("QUIT"));
        await second.LoginAsync(user, Pop3TestMail.Password);
        Assert.StartsWith("+OK 1 ", await second.CommandAsync("STAT"));
    }

    [Fact]
    public async Task Messages_arriving_after_login_appear_in_the_next_session()
    {
        var (client, user) = await LoggedInAsync(Pop3TestMail.Message("a", "x\r\n"));
        await Pop3TestMail.AppendAsync(Server, user, Pop3TestMail.Message("late", "y\r\n"));
        await using (client)
        {
            Assert.StartsWith("+OK 1 ", await client.CommandAsync("STAT"));
            Assert.Equal("-ERR no such message", await client.CommandAsync("RETR 2"));
            await client.CommandAsync("QUIT");
        }
        await using var next = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        await next.LoginAsync(user, Pop3TestMail.Password);
        Assert.StartsWith("+OK 2 ", await next.CommandAsync("STAT"));
    }

    [Fact]
    public async Task Unknown_wrong_state_and_malformed_commands_get_err_and_the_session_survives()
    {
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        Assert.Equal("-ERR unknown command", await client.CommandAsync("XYZZY"));
        Assert.Equal("-ERR command not valid in this state", await client.CommandAsync("STAT"));
        Assert.Equal("-ERR give USER first", await client.CommandAsync("PASS whatever"));
        Assert.Equal("-ERR syntax: RETR msg", await client.CommandAsync("RETR x"));
        Assert.Equal("-ERR invalid characters in command", await client.CommandAsync("NOOP\0"));
        Assert.StartsWith("+OK", (await client.MultiLineAsync("CAPA")).Status);
    }

    [Fact]
    public async Task Over_long_command_line_gets_err_and_the_session_survives()
    {
        var (client, _) = await LoggedInAsync(Pop3TestMail.Message("a", "x\r\n"));
        await using var __ = client;
        Assert.Equal("-ERR command line too long (at most 255 octets)", await client.CommandAsync("LIST " + new string('1', 5000)));
        Assert.StartsWith("+OK 1 ", await client.CommandAsync("STAT"));
    }

    [Fact]
    public async Task Message_numbers_out_of_range_get_no_such_message()
    {
        var (client, _) = await LoggedInAsync(Pop3TestMail.Message("a", "x\r\n"));
        await using var __ = client;
        Assert.Equal("-ERR no such message", await client.CommandAsync("RETR 0"));
        Assert.Equal("-ERR no such message", await client.CommandAsync("LIST 2"));
        Assert.Equal("-ERR no such message", await client.CommandAsync("DELE 99999999999999"));
    }

    [Fact]
    public async Task Login_commands_after_login_get_the_wrong_state_reply()
    {
        var (client, user) = await LoggedInAsync();
        await using var _ = client;
        Assert.Equal("-ERR command not valid in this state", await client.CommandAsync("USER " + user));
        Assert.Equal("-ERR command not valid in this state", await client.CommandAsync("STLS"));
        Assert.Equal("+OK 0 0", await client.CommandAsync("STAT"));
    }

    [Fact]
    public async Task Pipelined_commands_are_answered_in_order()
    {
        string user = await Pop3TestMail.NewUserAsync(Server);
        await Pop3TestMail.AppendAsync(Server, user, Pop3TestMail.Message("p", "x\r\n"));
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        await client.SendAsync($"USER {user}\r\nPASS {Pop3TestMail.Password}\r\nSTAT\r\nBOGUS\r\nUIDL 1\r\nNOOP\r\nQUIT\r\n");
        Assert.StartsWith("+OK", await client.ReadLineAsync());
        Assert.StartsWith("+OK maildrop locked", await client.ReadLineAsync());
        Assert.StartsWith("+OK 1 ", await client.ReadLineAsync());
        Assert.Equal("-ERR unknown command", await client.ReadLineAsync());
        Assert.StartsWith("+OK 1 ", await client.ReadLineAsync());
        Assert.Equal("+OK", await client.ReadLineAsync());
        Assert.StartsWith("+OK CloudMail POP3 server signing off", await client.ReadLineAsync());
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Quit_in_authorization_closes_without_login()
    {
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        Assert.Equal("+OK CloudMail POP3 server signing off", await client.CommandAsync("QUIT"));
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_auth_reply_and_a_retry_works()
    {
        string user = await Pop3TestMail.NewUserAsync(Server);
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        Assert.Equal("+OK send PASS", await client.CommandAsync("USER " + user));
        Assert.Equal("-ERR [AUTH] authentication failed", await client.CommandAsync("PASS not-the-password"));
        Assert.Equal("+OK send PASS", await client.CommandAsync($"USER nobody@{TestServer.Domain}"));
        Assert.Equal("-ERR [AUTH] authentication failed", await client.CommandAsync("PASS " + Pop3TestMail.Password));
        await client.LoginAsync(user, Pop3TestMail.Password);
    }

    [Fact]
    public async Task User_names_are_case_insensitive()
    {
        string user = await Pop3TestMail.NewUserAsync(Server);
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        await client.LoginAsync(user.ToUpperInvariant(), Pop3TestMail.Password);
    }
}
