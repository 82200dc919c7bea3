using System.Text.RegularExpressions;

namespace CloudMail.EndToEnd.Tests.DebianClients;

/// <summary>
/// fetchmail retrieving over POP3 and IMAP into an MDA command (one file per message) and deleting what it
/// delivered from the server, plus its IMAP IDLE mode being woken by new mail.
/// </summary>
[Collection(DebianClientsCollection.Name)]
public sealed class FetchmailTests(DebianClientsServer server)
{
    private sealed record Run(string Home, string Rc, string Delivered);

    /// <summary>A fetchmailrc (mode 0600, as fetchmail insists) whose MDA writes each message to its own file.</summary>
    private async Task<Run> ConfigureAsync(Account account, string protocol, int port, string tls, string options = "", string serverOptions = "")
    {
        string home = server.NewScratchDirectory("fetchmail");
        string delivered = Path.Combine(home, "delivered");
        System.IO.Directory.CreateDirectory(delivered);
        string rc = Path.Combine(home, ".fetchmailrc");
        // 'no sslcertck': the server's certificate is self-signed; the TLS handshake itself is still required.
        await File.WriteAllTextAsync(rc,
            $"set no syslog\n" +
            $"poll 127.0.0.1 service {port} protocol {protocol} timeout 20 {serverOptions}\n" +
            $"  user \"{account.Address}\" password \"{account.Password}\"\n" +
            $"  {tls} no sslcertck {options}\n" +
            $"  mda \"cat > {delivered}/message-$$.eml\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(rc, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new Run(home, rc, delivered);
    }

    private static string[] Arguments(Run run, params string[] more) =>
        ["-f", run.Rc, "--idfile", Path.Combine(run.Home, ".fetchids"), "--pidfile", Path.Combine(run.Home, ".fetchmail.pid"), "-v", .. more];

    private static Task<ToolResult> FetchAsync(Run run, params string[] more) =>
        DebianTool.RunAsync("fetchmail", "fetchmail", Arguments(run, more), run.Home, timeout: TimeSpan.FromSeconds(40));

    private static List<string> DeliveredSubjects(Run run) =>
        System.IO.Directory.GetFiles(run.Delivered)
            .Select(f => File.ReadLines(f).FirstOrDefault(l => l.StartsWith("Subject: ", StringComparison.Ordinal)) ?? "(no subject) " + f)
            .Select(l => l["Subject: ".Length..]).Order().ToList();

    private async Task SeedInboxAsync(Account account, params string[] subjects)
    {
        foreach (string subject in subjects)
            await server.AppendAsync(account, "INBOX", TestMessages.Create("x@remote.test", account.Address, subject,
                "A line.\r\n.\r\n..two dots at the start\r\n.leading dot\r\nLast line.\r\n"));
    }

    [Fact]
    public async Task Fetchmail_over_pop3s_delivers_every_message_to_the_mda_and_deletes_them_from_the_server()
    {
        var account = await server.NewAccountAsync("fetchmail-pop");
        await SeedInboxAsync(account, "pop-1", "pop-2", "pop-3");
        var run = await ConfigureAsync(account, "POP3", server.CloudMail.Pop3s, "ssl");

        var result = await FetchAsync(run);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["pop-1", "pop-2", "pop-3"], DeliveredSubjects(run));
        // POP3 byte-stuffing (RFC 1939 section 3) undone by the client: the body arrives as it was stored.
        foreach (string file in System.IO.Directory.GetFiles(run.Delivered))
            Assert.EndsWith("\n\nA line.\n.\n..two dots at the start\n.leading dot\nLast line.\n", (await File.ReadAllTextAsync(file)).ReplaceLineEndings("\n"));
        Assert.Empty(await server.ListAsync(account, "INBOX"));
        var again = await FetchAsync(run);
        Assert.True(again.ExitCode == 1, "fetchmail exits 1 when there is no mail:\n" + again);
    }

    [Fact]
    public async Task Fetchmail_over_pop3_with_stls_and_keep_fetches_each_message_once_by_uidl()
    {
        var account = await server.NewAccountAsync("fetchmail-keep");
        await SeedInboxAsync(account, "kept-1", "kept-2");
        var run = await ConfigureAsync(account, "POP3", server.CloudMail.Pop3, "sslproto \"tls1.2+\"", "keep", serverOptions: "uidl");

        var first = await FetchAsync(run);
        await SeedInboxAsync(account, "kept-3");
        var second = await FetchAsync(run);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("POP3> STLS", first.Output);
        Assert.Equal(["kept-1", "kept-2", "kept-3"], DeliveredSubjects(run));
        Assert.Equal(3, (await server.ListAsync(account, "INBOX")).Count);
    }

    [Fact]
    public async Task Fetchmail_over_imap_with_starttls_delivers_to_the_mda_and_expunges_from_the_server()
    {
        var account = await server.NewAccountAsync("fetchmail-imap");
        await SeedInboxAsync(account, "imap-1", "imap-2");
        var run = await ConfigureAsync(account, "IMAP", server.CloudMail.Imap, "sslproto \"tls1.2+\"");

        var result = await FetchAsync(run);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("IMAP> A0001 STARTTLS", result.Output);
        Assert.Equal(["imap-1", "imap-2"], DeliveredSubjects(run));
        Assert.Empty(await server.ListAsync(account, "INBOX"));
    }

    [Fact]
    public async Task Fetchmail_in_imap_idle_mode_is_woken_by_new_mail_and_fetches_it()
    {
        var account = await server.NewAccountAsync("fetchmail-idle");
        var run = await ConfigureAsync(account, "IMAP", server.CloudMail.Imaps, "ssl", "idle");
        await using var fetchmail = DebianTool.Start("fetchmail", "fetchmail", Arguments(run), run.Home);
        await fetchmail.WaitForOutputAsync(o => Regex.IsMatch(o, @"IMAP> A\d+ IDLE") && Regex.IsMatch(o, @"IMAP< \+ "), TimeSpan.FromSeconds(20), "IDLE accepted");

        var sender = await server.NewAccountAsync("fetchmail-sender");
        using (var smtp = await Infrastructure.MailClients.SmtpAsync(server.CloudMail.Submissions, MailKit.Security.SecureSocketOptions.SslOnConnect, sender.Address, sender.Password))
        {
            await smtp.SendAsync(TestMessages.Create(sender.Address, account.Address, "wakes-idle"));
            await smtp.DisconnectAsync(true);
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DeliveredSubjects(run).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(DeliveredSubjects(run).SequenceEqual(["wakes-idle"]), "fetchmail did not fetch the new mail while idling:\n" + fetchmail.Output);
        Assert.Matches(@"IMAP< \* 1 EXISTS", fetchmail.Output);
    }
}
