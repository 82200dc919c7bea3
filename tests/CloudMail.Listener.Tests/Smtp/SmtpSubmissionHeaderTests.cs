using System.Text.RegularExpressions;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>
/// RFC 6409 §8.2, §8.3: a message submitted without From, Date or Message-ID (as scripts over Python's smtplib send them)
/// gets them from the server, and a submitted Bcc field is removed (RFC 5322 §3.6.3); a message that has them, and mail
/// relayed in on port 25, is stored as sent.
/// </summary>
public partial class SmtpSubmissionHeaderTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private TestServer Server => fixture.Server;

    private async Task SubmitAsync(string sender, string recipient, string message)
    {
        var result = await ExternalClient.PythonAsync("""
            import smtplib, ssl, sys
            port, user, password, rcpt, msg = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
            with smtplib.SMTP("127.0.0.1", port, timeout=15) as s:
                s.starttls(context=ssl._create_unverified_context())
                s.login(user, password)
                s.sendmail(user, [rcpt], msg.replace("\n", "\r\n"))
            """, Server.Port(EndpointKind.Submission).ToString(), sender, SmtpServerFixture.Password, recipient, message);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task A_submission_without_Date_and_Message_ID_gets_both()
    {
        string sender = await fixture.NewUserAsync();
        string recipient = await fixture.NewUserAsync();

        await SubmitAsync(sender, recipient, $"From: {sender}\nTo: {recipient}\nSubject: bare script mail\n\nno Date, no Message-ID\n");

        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        string id = QueueId().Match(stored).Groups[1].Value;
        Assert.Matches(
            $@"\r\nFrom: {Regex.Escape(sender)}\r\nTo: {Regex.Escape(recipient)}\r\nSubject: bare script mail\r\n" +
            $@"Date: \w{{3}}, \d{{1,2}} \w{{3}} \d{{4}} \d{{2}}:\d{{2}}:\d{{2}} \+0000\r\nMessage-ID: <{id}@mail\.example\.test>\r\n\r\n" +
            @"no Date, no Message-ID\r\n$", stored);
    }

    [Fact]
    public async Task A_submission_without_From_gets_the_envelope_sender()
    {
        string sender = await fixture.NewUserAsync();
        string recipient = await fixture.NewUserAsync();

        await SubmitAsync(sender, recipient, "To: " + recipient + "\nSubject: no author\nDate: Sun, 6 Dec 2026 09:00:00 +0000\nMessage-ID: <n@c.test>\n\nbody\n");

        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.EndsWith($"Message-ID: <n@c.test>\r\nFrom: <{sender}>\r\n\r\nbody\r\n", stored);
    }

    [Fact]
    public async Task A_submission_with_its_own_Date_and_Message_ID_is_stored_as_sent()
    {
        string sender = await fixture.NewUserAsync();
        string recipient = await fixture.NewUserAsync();
        string Fields = $"From: {sender}\nDate: Sun, 6 Dec 2026 09:00:00 +0100\nmessage-id: <own@client.test>\n";

        await SubmitAsync(sender, recipient, Fields + "Subject: complete\n\nbody\n");

        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.Single(Regex.Matches(stored, "^Date:", RegexOptions.Multiline | RegexOptions.IgnoreCase));
        Assert.Single(Regex.Matches(stored, "^Message-ID:", RegexOptions.Multiline | RegexOptions.IgnoreCase));
        Assert.EndsWith(Fields.Replace("\n", "\r\n", StringComparison.Ordinal) + "Subject: complete\r\n\r\nbody\r\n", stored);
    }

    [Fact]
    public async Task A_submission_loses_its_Bcc_field_and_the_Bcc_recipient_still_gets_the_message()
    {
        string sender = await fixture.NewUserAsync();
        string to = await fixture.NewUserAsync();
        string hidden = await fixture.NewUserAsync();
        var result = await ExternalClient.PythonAsync("""
            import smtplib, ssl, sys
            port, user, password, to, hidden = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
            msg = "From: %s\r\nTo: %s\r\nBcc: %s,\r\n nobody@example.test\r\nSubject: with bcc\r\nDate: Sun, 6 Dec 2026 09:00:00 +0000\r\nMessage-ID: <b@c.test>\r\n\r\nsecret list\r\n" % (user, to, hidden)
            with smtplib.SMTP("127.0.0.1", port, timeout=15) as s:
                s.starttls(context=ssl._create_unverified_context())
                s.login(user, password)
                s.sendmail(user, [to, hidden], msg)
            """, Server.Port(EndpointKind.Submission).ToString(), sender, SmtpServerFixture.Password, to, hidden);
        Assert.True(result.ExitCode == 0, result.ToString());

        foreach (string recipient in new[] { to, hidden })
        {
            string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
            Assert.DoesNotContain(hidden, stored[stored.IndexOf("\r\nFrom:", StringComparison.Ordinal)..], StringComparison.Ordinal);
            Assert.DoesNotContain("nobody@example.test", stored, StringComparison.Ordinal);
            Assert.EndsWith($"From: {sender}\r\nTo: {to}\r\nSubject: with bcc\r\nDate: Sun, 6 Dec 2026 09:00:00 +0000\r\nMessage-ID: <b@c.test>\r\n\r\nsecret list\r\n", stored);
        }
    }

    /// <summary>Submits <paramref name="chunks"/> as BDAT chunks (the last with LAST) over STARTTLS with a raw Python client.</summary>
    private async Task SubmitInChunksAsync(string sender, string recipient, params string[] chunks)
    {
        var result = await ExternalClient.PythonAsync("""
            import base64, socket, ssl, sys
            port, user, password, rcpt, chunks = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
            s = socket.create_connection(("127.0.0.1", port), timeout=15)
            f = s.makefile("rb")
            def reply(expected):
                while True:
                    line = f.readline()
                    if line[3:4] != b"-": break
                if not line.startswith(expected): sys.exit("unexpected reply: %r" % line)
            reply(b"220"); s.sendall(b"EHLO client.test\r\n"); reply(b"250")
            s.sendall(b"STARTTLS\r\n"); reply(b"220")
            s = ssl._create_unverified_context().wrap_socket(s); f = s.makefile("rb")
            s.sendall(b"EHLO client.test\r\n"); reply(b"250")
            s.sendall(b"AUTH PLAIN " + base64.b64encode(("\0%s\0%s" % (user, password)).encode()) + b"\r\n"); reply(b"235")
            s.sendall(("MAIL FROM:<%s>\r\n" % user).encode()); reply(b"250")
            s.sendall(("RCPT TO:<%s>\r\n" % rcpt).encode()); reply(b"250")
            for i, chunk in enumerate(chunks):
                data = chunk.replace("\n", "\r\n").encode()
                s.sendall(b"BDAT %d%s\r\n" % (len(data), b" LAST" if i == len(chunks) - 1 else b"") + data); reply(b"250")
            s.sendall(b"QUIT\r\n"); reply(b"221")
            """, [Server.Port(EndpointKind.Submission).ToString(), sender, SmtpServerFixture.Password, recipient, .. chunks]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task A_header_spread_over_BDAT_chunks_is_edited_as_a_whole()
    {
        string sender = await fixture.NewUserAsync();
        string recipient = await fixture.NewUserAsync();

        await SubmitInChunksAsync(sender, recipient, $"From: {sender}\nTo: {recipient}\n", "Bcc: hidden@example.test\nSubj", "ect: in chunks\n", "\nbody\n");

        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.DoesNotContain("hidden@example.test", stored, StringComparison.Ordinal);
        string id = QueueId().Match(stored).Groups[1].Value;
        Assert.Matches(
            $@"\r\nFrom: {Regex.Escape(sender)}\r\nTo: {Regex.Escape(recipient)}\r\nSubject: in chunks\r\n" +
            $@"Date: [^\r\n]+\r\nMessage-ID: <{id}@mail\.example\.test>\r\n\r\nbody\r\n$", stored);
    }

    [Fact]
    public async Task A_message_that_is_all_header_is_edited_too_even_without_a_final_line_break()
    {
        string sender = await fixture.NewUserAsync();
        string recipient = await fixture.NewUserAsync();

        // RFC 5322 §3.5: the body, and the empty line before it, are optional; BDAT need not end in CRLF.
        await SubmitInChunksAsync(sender, recipient, $"From: {sender}\nSubject: no body\nBcc: hidden@example.test");

        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.DoesNotContain("hidden@example.test", stored, StringComparison.Ordinal);
        string id = QueueId().Match(stored).Groups[1].Value;
        Assert.Matches($@"\r\nFrom: {Regex.Escape(sender)}\r\nSubject: no body\r\nDate: [^\r\n]+\r\nMessage-ID: <{id}@mail\.example\.test>\r\n$", stored);
    }

    [Fact]
    public async Task Mail_relayed_in_on_port_25_is_not_given_fields_it_lacks()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<someone@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        await client.SendAsync("Subject: relayed bare\r\n\r\nbody\r\n.\r\n");
        Assert.Equal(250, (await client.ReadReplyAsync()).Code);

        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.DoesNotMatch("(?im)^(Date|Message-ID):", stored);
    }

    [GeneratedRegex(@"\bid ([0-9a-f]{28})\b")]
    private static partial Regex QueueId();
}
