using MailKit;

namespace CloudMail.EndToEnd.Tests.DebianClients;

/// <summary>msmtp, the sendmail-compatible SMTP submission client, against 587 (STARTTLS), 465 (implicit TLS) and 25.</summary>
[Collection(DebianClientsCollection.Name)]
public sealed class MsmtpTests(DebianClientsServer server)
{
    private const string Msmtp = "msmtp";
    private const string Package = "msmtp";

    private Task<ToolResult> SendAsync(int port, bool implicitTls, Account? login, string from, string to, string message)
    {
        List<string> args =
        [
            "--file=/dev/null", "--host=127.0.0.1", $"--port={port}", $"--from={from}", "--domain=client.debian.test",
            "--timeout=20",
        ];
        if (login is null) args.AddRange(["--tls=off", "--auth=off"]);
        else
        {
            args.AddRange(["--tls=on", $"--tls-starttls={(implicitTls ? "off" : "on")}", "--tls-certcheck=off", "--auth=on",
                $"--user={login.Address}", $"--passwordeval=echo {login.Password}"]);
        }
        args.Add(to);
        return DebianTool.RunAsync(Msmtp, Package, args, server.NewScratchDirectory("msmtp"), stdin: message);
    }

    [Fact]
    public async Task Msmtp_submits_on_587_with_starttls_and_auth_and_the_message_lands_in_the_inbox_unchanged()
    {
        var sender = await server.NewAccountAsync("msmtp-sender");
        var recipient = await server.NewAccountAsync("msmtp-rcpt");
        // Lines that SMTP transparency (RFC 5321 section 4.5.2) must carry through untouched.
        const string body = "first line\r\n.\r\n..two dots\r\n.hidden\r\nFrom the start of a line\r\nlast line\r\n";
        string message = TestMessages.Raw(sender.Address, recipient.Address, "msmtp-587", body);

        var result = await SendAsync(server.CloudMail.Submission, implicitTls: false, sender, sender.Address, recipient.Address, message);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["msmtp-587"], await server.WaitForInboxAsync(recipient, "msmtp-587"));
        using var imap = await server.ImapAsync(recipient);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        using var text = await imap.Inbox.GetStreamAsync(0, "TEXT");
        Assert.Equal(body, await new StreamReader(text).ReadToEndAsync());
    }

    [Fact]
    public async Task Msmtp_submits_on_465_with_implicit_tls_and_auth_and_the_message_lands_in_the_inbox()
    {
        var sender = await server.NewAccountAsync("msmtp-sender");
        var recipient = await server.NewAccountAsync("msmtp-rcpt");

        var result = await SendAsync(server.CloudMail.Submissions, implicitTls: true, sender, sender.Address, recipient.Address,
            TestMessages.Raw(sender.Address, recipient.Address, "msmtp-465", "Over implicit TLS.\r\n"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["msmtp-465"], await server.WaitForInboxAsync(recipient, "msmtp-465"));
    }

    [Fact]
    public async Task Msmtp_on_port_25_delivers_to_a_local_user_but_cannot_relay_to_a_foreign_domain()
    {
        var recipient = await server.NewAccountAsync("msmtp-rcpt");

        var local = await SendAsync(server.CloudMail.Smtp, implicitTls: false, login: null, "someone@remote.test", recipient.Address,
            TestMessages.Raw("someone@remote.test", recipient.Address, "msmtp-25", "From another server.\r\n"));
        var relay = await SendAsync(server.CloudMail.Smtp, implicitTls: false, login: null, "someone@remote.test", "victim@elsewhere.test",
            TestMessages.Raw("someone@remote.test", "victim@elsewhere.test", "relay attempt", "Should be refused.\r\n"));

        Assert.True(local.ExitCode == 0, local.ToString());
        Assert.NotEqual(0, relay.ExitCode);
        Assert.Contains("5.7.1 Relay access denied", relay.Output);
        Assert.Equal(["msmtp-25"], await server.WaitForInboxAsync(recipient, "msmtp-25"));
    }
}
