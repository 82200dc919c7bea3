using MailKit;

namespace CloudMail.EndToEnd.Tests.DebianClients;

/// <summary>
/// Mutt (GnuTLS, unlike the OpenSSL-based clients): sending through smtp_url in batch mode, and reading an
/// IMAPS mailbox and a POP3S maildrop in its real full-screen interface on a pseudo-terminal (util-linux
/// <c>script</c>) driven by pushed keystrokes.
/// </summary>
[Collection(DebianClientsCollection.Name)]
public sealed class MuttTests(DebianClientsServer server)
{
    /// <summary>Settings every run needs: the pinned certificate, no prompts, no caches.</summary>
    private string CommonSettings => $"""
        set certificate_file="{server.CertificatePemPath}"
        set ssl_verify_host=no
        set ssl_force_tls=yes
        set header_cache=""
        set message_cachedir=""
        set wait_key=no
        set beep=no

        """;

    /// <summary>Mutt's full-screen interface on a pseudo-terminal (util-linux <c>script</c>), driven by the rc file's pushed keys.</summary>
    private static Task<ToolResult> RunFullScreenAsync(string rc, string home, string options = "") =>
        DebianTool.RunAsync("script", "bsdutils", ["--quiet", "--return", "--command", $"mutt {options}-n -F '{rc}'", "/dev/null"], home,
            environment: new Dictionary<string, string> { ["COLUMNS"] = "100", ["LINES"] = "30" });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Mutt_sends_through_smtp_url_with_auth(bool implicitTls)
    {
        var sender = await server.NewAccountAsync("mutt-sender");
        var recipient = await server.NewAccountAsync("mutt-rcpt");
        string home = server.NewScratchDirectory("mutt");
        string url = implicitTls
            ? $"smtps://{sender.UrlUser}@127.0.0.1:{server.CloudMail.Submissions}/"
            : $"smtp://{sender.UrlUser}@127.0.0.1:{server.CloudMail.Submission}/";
        string rc = Path.Combine(home, "muttrc");
        await File.WriteAllTextAsync(rc, CommonSettings + $"""
            set from="{sender.Address}"
            set realname="Mutt Sender"
            set smtp_url="{url}"
            set smtp_pass="{sender.Password}"
            set ssl_starttls=yes
            set record=""
            set copy=no

            """);
        string subject = implicitTls ? "mutt-465" : "mutt-587";

        var result = await DebianTool.RunAsync("mutt", "mutt", ["-n", "-F", rc, "-s", subject, "--", recipient.Address], home,
            stdin: "Sent by mutt in batch mode.\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([subject], await server.WaitForInboxAsync(recipient, subject));
        // Read back over IMAP: the headers mutt wrote arrive intact (the display name, the recipient, its Message-ID).
        using var imap = await server.ImapAsync(recipient);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var received = await imap.Inbox.GetMessageAsync(0);
        await imap.DisconnectAsync(true);
        var from = Assert.Single(received.From.Mailboxes);
        Assert.Equal(("Mutt Sender", sender.Address), (from.Name, from.Address));
        Assert.Equal([recipient.Address], received.To.Mailboxes.Select(m => m.Address));
        Assert.Equal(subject, received.Subject);
        Assert.Matches(@"^[^@\s]+@[^@\s]+$", received.MessageId);
        Assert.Equal("Sent by mutt in batch mode.", received.TextBody?.Trim());
    }

    [Fact]
    public async Task Mutt_reads_an_imaps_inbox_pipes_a_message_and_moves_all_messages_to_a_new_folder()
    {
        var account = await server.NewAccountAsync("mutt-reader");
        await server.AppendAsync(account, "INBOX", TestMessages.Create("x@remote.test", account.Address, "mutt-first", "First body.\r\n"));
        await server.AppendAsync(account, "INBOX", TestMessages.Create("x@remote.test", account.Address, "mutt-second", "Second body.\r\n"), MessageFlags.Seen);
        string home = server.NewScratchDirectory("mutt");
        string piped = Path.Combine(home, "piped.eml");
        string rc = Path.Combine(home, "muttrc");
        // Keystrokes: pipe the current (first) message to a file, tag every message, save the tagged ones to
        // =Archive (mutt CREATEs it after the server's [TRYCREATE]), quit (expunging the moved originals).
        await File.WriteAllTextAsync(rc, CommonSettings + $"""
            set imap_user="{account.Address}"
            set imap_pass="{account.Password}"
            set folder="imaps://127.0.0.1:{server.CloudMail.Imaps}/"
            set spoolfile="+INBOX"
            set pipe_decode=no
            set confirmcreate=no
            set confirmappend=no
            set delete=yes
            set quit=yes
            set move=no
            set mark_old=no
            push "<pipe-message>cat > {piped}<enter><tag-pattern>~A<enter><tag-prefix><save-message>=Archive<enter><quit>"

            """);

        var result = await RunFullScreenAsync(rc, home);

        Assert.True(result.ExitCode == 0, result.ToString());
        string message = await File.ReadAllTextAsync(piped);
        Assert.Contains("Subject: mutt-first", message);
        Assert.Contains("First body.", message);
        Assert.Empty(await server.ListAsync(account, "INBOX"));
        var archived = await server.ListAsync(account, "Archive");
        Assert.Equal(["mutt-first", "mutt-second"], archived.Select(m => m.Subject).Order());
        Assert.Equal(MessageFlags.Seen, archived.Single(m => m.Subject == "mutt-second").Flags & ~MessageFlags.Recent);
    }

    /// <summary>
    /// COMPRESS=DEFLATE (RFC 4978) with mutt's own zlib code: imap_deflate makes mutt send COMPRESS after login; its
    /// debug log (-d 2, in HOME) shows the command and the OK, and everything after runs compressed.
    /// </summary>
    [Fact]
    public async Task Mutt_reads_an_imaps_inbox_over_deflate()
    {
        var account = await server.NewAccountAsync("mutt-deflate");
        string body = string.Concat(Enumerable.Repeat("Compressible line of text.\r\n", 400));
        await server.AppendAsync(account, "INBOX", TestMessages.Create("x@remote.test", account.Address, "mutt-deflate", body));
        string home = server.NewScratchDirectory("mutt");
        string piped = Path.Combine(home, "piped.eml");
        string rc = Path.Combine(home, "muttrc");
        await File.WriteAllTextAsync(rc, CommonSettings + $"""
            set imap_user="{account.Address}"
            set imap_pass="{account.Password}"
            set imap_deflate=yes
            set folder="imaps://127.0.0.1:{server.CloudMail.Imaps}/"
            set spoolfile="+INBOX"
            set pipe_decode=no
            set quit=yes
            set move=no
            push "<pipe-message>cat > {piped}<enter><quit>"

            """);

        var result = await RunFullScreenAsync(rc, home, "-d 2 ");

        Assert.True(result.ExitCode == 0, result.ToString());
        string message = await File.ReadAllTextAsync(piped);
        Assert.Contains("Subject: mutt-deflate", message);
        Assert.Equal(400, message.Split("Compressible line of text.").Length - 1);
        string debug = await File.ReadAllTextAsync(Path.Combine(home, ".muttdebug0"));
        Assert.Contains("COMPRESS DEFLATE", debug);
        Assert.Contains("OK DEFLATE active", debug);
    }

    [Fact]
    public async Task Mutt_reads_a_pop3s_maildrop_pipes_a_message_and_deletes_it_on_quit()
    {
        var account = await server.NewAccountAsync("mutt-pop");
        await server.AppendAsync(account, "INBOX", TestMessages.Create("x@remote.test", account.Address, "mutt-pop", "Over POP3S.\r\n"));
        string home = server.NewScratchDirectory("mutt");
        string piped = Path.Combine(home, "piped.eml");
        string rc = Path.Combine(home, "muttrc");
        await File.WriteAllTextAsync(rc, CommonSettings + $"""
            set pop_user="{account.Address}"
            set pop_pass="{account.Password}"
            set folder="{home}"
            set spoolfile="pops://127.0.0.1:{server.CloudMail.Pop3s}/"
            set pipe_decode=no
            set delete=yes
            set quit=yes
            set move=no
            push "<pipe-message>cat > {piped}<enter><delete-message><quit>"

            """);

        var result = await RunFullScreenAsync(rc, home);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.EndsWith("\n\nOver POP3S.\n", (await File.ReadAllTextAsync(piped)).ReplaceLineEndings("\n"));
        Assert.Empty(await server.ListAsync(account, "INBOX"));
    }
}
