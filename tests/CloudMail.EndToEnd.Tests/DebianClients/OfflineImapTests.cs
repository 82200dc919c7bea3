using MailKit;
using MailKit.Search;

namespace CloudMail.EndToEnd.Tests.DebianClients;

/// <summary>
/// offlineimap3, a two-way IMAP ↔ Maildir synchronizer written in Python (imaplib2, the ssl module): it keeps UID
/// state per folder between runs, uploads local mail with APPEND (reading the UID from APPENDUID) and maps flags
/// both ways. Pull a folder tree byte-exact, push local changes, pull server changes, and check that a run with
/// nothing to do does nothing.
/// </summary>
[Collection(DebianClientsCollection.Name)]
public sealed class OfflineImapTests(DebianClientsServer server)
{
    private sealed record Mirror(Account Account, string Maildir, string Config, string Home);

    /// <summary>
    /// Writes an offlineimaprc for one account: a nested Maildir ("/" separator, like the server's) over 993 with the
    /// server's certificate as the CA file (host "localhost": imaplib2 matches the host only against DNS names, not
    /// the certificate's 127.0.0.1 IP address entry), or over 143 with STARTTLS (offlineimap3 does not verify the certificate
    /// it gets after STARTTLS: a limit of the client, not of the server).
    /// </summary>
    private async Task<Mirror> MirrorAsync(Account account, bool startTls)
    {
        string home = server.NewScratchDirectory("offlineimap");
        string maildir = Path.Combine(home, "Mail");
        System.IO.Directory.CreateDirectory(maildir);
        string config = Path.Combine(home, "offlineimaprc");
        await File.WriteAllTextAsync(config, $"""
            [general]
            accounts = cloudmail
            metadata = {Path.Combine(home, ".offlineimap")}
            maxsyncaccounts = 1

            [Account cloudmail]
            localrepository = local
            remoterepository = remote

            [Repository local]
            type = Maildir
            localfolders = {maildir}
            sep = /

            [Repository remote]
            type = IMAP
            remotehost = localhost
            remoteport = {(startTls ? server.CloudMail.Imap : server.CloudMail.Imaps)}
            remoteuser = {account.Address}
            remotepass = {account.Password}
            ssl = {(startTls ? "no" : "yes")}
            starttls = {(startTls ? "yes" : "no")}
            sslcacertfile = {server.CertificatePemPath}
            maxconnections = 1
            holdconnectionopen = no
            timeout = 20

            """);
        return new Mirror(account, maildir, config, home);
    }

    /// <summary>
    /// One sync (<c>-o</c> once, <c>-1</c> single-threaded, basic UI); fails unless it exits 0 without an ERROR line.
    /// Returns what it printed.
    /// </summary>
    private static async Task<string> SyncAsync(Mirror mirror)
    {
        var result = await DebianTool.RunAsync("offlineimap", "offlineimap3", ["-c", mirror.Config, "-o", "-1", "-u", "basic"], mirror.Home,
            timeout: TimeSpan.FromSeconds(40));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("ERROR", result.Output);
        Assert.DoesNotContain("Traceback", result.Output);
        return result.Output;
    }

    private static Dictionary<string, string> Files(Mirror mirror, string folder) => MaildirFiles.Files(mirror.Maildir, folder);

    private static string SubjectOf(string file) => MaildirFiles.SubjectOf(file);

    private static (string File, string Flags) Find(Mirror mirror, string folder, string subject) => MaildirFiles.Find(mirror.Maildir, folder, subject);

    /// <summary>Every local file (relative path and content) of the Maildir tree, to compare before and after a run.</summary>
    private static SortedDictionary<string, string> Snapshot(Mirror mirror) =>
        new(System.IO.Directory.GetFiles(mirror.Maildir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(mirror.Maildir, f), File.ReadAllText), StringComparer.Ordinal);

    /// <summary>Every server message of <paramref name="folders"/> as "folder uid flags subject", to compare before and after a run.</summary>
    private async Task<List<string>> ServerStateAsync(Account account, params string[] folders)
    {
        using var imap = await server.ImapAsync(account);
        var state = new List<string>();
        foreach (string name in folders)
        {
            var folder = await imap.GetFolderAsync(name);
            await folder.OpenAsync(FolderAccess.ReadOnly);
            if (folder.Count > 0)
                foreach (var s in await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.Envelope))
                    state.Add($"{name} {s.UniqueId} {(s.Flags ?? MessageFlags.None) & ~MessageFlags.Recent} {s.Envelope?.Subject}");
            await folder.CloseAsync();
        }
        await imap.DisconnectAsync(true);
        return state;
    }

    private static string Lf(MimeKit.MimeMessage message) => TestMessages.Text(message).Replace("\r\n", "\n", StringComparison.Ordinal);

    [Fact]
    public async Task Offlineimap_pulls_a_folder_tree_byte_exact_with_flags_over_imaps()
    {
        var account = await server.NewAccountAsync("offlineimap-pull");
        string a = account.Address;
        var unread = TestMessages.Create("x@remote.test", a, "inbox-unread", "Plain body.\r\n.\r\n..leading dots\r\n");
        var large = TestMessages.Create("x@remote.test", a, "inbox-large", string.Concat(Enumerable.Repeat("0123456789abcdef".PadRight(76, '-') + "\r\n", 20_000)));
        var archived = TestMessages.Create("x@remote.test", a, "archived-answered");
        await server.AppendAsync(account, "INBOX", unread);
        await server.AppendAsync(account, "INBOX", TestMessages.Create("x@remote.test", a, "inbox-read-flagged"), MessageFlags.Seen | MessageFlags.Flagged);
        await server.AppendAsync(account, "INBOX", large, MessageFlags.Seen);
        await server.AppendAsync(account, "Drafts", TestMessages.Create(a, "x@remote.test", "draft-one"), MessageFlags.Draft);
        await server.AppendAsync(account, "Archive/2024", archived, MessageFlags.Seen | MessageFlags.Answered);
        var mirror = await MirrorAsync(account, startTls: false);

        await SyncAsync(mirror);

        foreach (string folder in new[] { "INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive/2024" })
            Assert.True(System.IO.Directory.Exists(Path.Combine(mirror.Maildir, folder, "cur")), $"{folder} was not created locally");
        Assert.Equal(3, Files(mirror, "INBOX").Count);
        Assert.Equal("", Find(mirror, "INBOX", "inbox-unread").Flags);
        Assert.Equal("FS", Find(mirror, "INBOX", "inbox-read-flagged").Flags);
        Assert.Equal("D", Find(mirror, "Drafts", "draft-one").Flags);
        Assert.Equal("RS", Find(mirror, "Archive/2024", "archived-answered").Flags);
        // Byte-exact apart from the line ends offlineimap converts to LF in a Maildir.
        Assert.Equal(Lf(unread), await File.ReadAllTextAsync(Find(mirror, "INBOX", "inbox-unread").File));
        Assert.Equal(Lf(large), await File.ReadAllTextAsync(Find(mirror, "INBOX", "inbox-large").File));
        Assert.Equal(Lf(archived), await File.ReadAllTextAsync(Find(mirror, "Archive/2024", "archived-answered").File));
    }

    [Fact]
    public async Task Offlineimap_syncs_local_and_server_changes_both_ways_and_an_idle_run_changes_nothing()
    {
        var account = await server.NewAccountAsync("offlineimap-sync");
        string a = account.Address;
        foreach (string subject in new[] { "flag-locally", "delete-locally", "flag-on-server", "delete-on-server", "leave-alone" })
            await server.AppendAsync(account, "INBOX", TestMessages.Create("x@remote.test", a, subject));
        await server.AppendAsync(account, "Archive/2024", TestMessages.Create("x@remote.test", a, "archived"), MessageFlags.Seen);
        // Over IMAPS, not STARTTLS: offlineimap3's imaplib2 reads and writes the TLS socket from two threads at once right
        // after STARTTLS, and about one run in six loses its first command (then hangs until autologout) or crashes the
        // client (segmentation fault, "double free"). Measured with 30 runs each against CloudMail and against Dovecot 2.3
        // from Debian: the same failures at the same rate on both, so it is the client's, not a server's (see the note).
        var mirror = await MirrorAsync(account, startTls: false);
        await SyncAsync(mirror);
        Assert.Equal(5, Files(mirror, "INBOX").Count);

        // Local changes, as a Maildir mail client makes them: a flag, a deletion, a new message in a nested folder.
        var (flagFile, _) = Find(mirror, "INBOX", "flag-locally");
        File.Move(flagFile, flagFile[..(flagFile.LastIndexOf(":2,", StringComparison.Ordinal) + 3)] + "FS");
        File.Delete(Find(mirror, "INBOX", "delete-locally").File);
        string newLocal = $"From: {a}\r\nTo: x@remote.test\r\nSubject: written-offline\r\nDate: Fri, 14 Mar 2025 15:09:26 +0000\r\n" +
                          "Message-ID: <written-offline@client.test>\r\n\r\nWritten offline.\r\n.\r\n";
        await File.WriteAllTextAsync(Path.Combine(mirror.Maildir, "Archive/2024", "cur", "1700000000.1_1.client:2,S"), newLocal);

        await SyncAsync(mirror);

        var inbox = await server.ListAsync(account, "INBOX");
        Assert.Equal(["delete-on-server", "flag-locally", "flag-on-server", "leave-alone"], inbox.Select(m => m.Subject).Order());
        Assert.Equal(MessageFlags.Flagged | MessageFlags.Seen, inbox.Single(m => m.Subject == "flag-locally").Flags);
        Assert.Equal(["archived", "written-offline"], (await server.ListAsync(account, "Archive/2024")).Select(m => m.Subject).Order());
        using (var imap = await server.ImapAsync(account))
        {
            var archive = await imap.GetFolderAsync("Archive/2024");
            await archive.OpenAsync(FolderAccess.ReadOnly);
            var uid = Assert.Single(await archive.SearchAsync(SearchQuery.SubjectContains("written-offline")));
            using var uploaded = await archive.GetStreamAsync(uid);
            Assert.Equal(newLocal, await new StreamReader(uploaded).ReadToEndAsync());
            await imap.DisconnectAsync(true);
        }

        // Server changes, as another client makes them: a flag, an expunge, a new message.
        using (var imap = await server.ImapAsync(account))
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
            var flag = await imap.Inbox.SearchAsync(SearchQuery.SubjectContains("flag-on-server"));
            await imap.Inbox.AddFlagsAsync(flag, MessageFlags.Seen | MessageFlags.Answered, silent: true);
            var gone = await imap.Inbox.SearchAsync(SearchQuery.SubjectContains("delete-on-server"));
            await imap.Inbox.AddFlagsAsync(gone, MessageFlags.Deleted, silent: true);
            await imap.Inbox.ExpungeAsync();
            await imap.DisconnectAsync(true);
        }
        await server.AppendAsync(account, "INBOX", TestMessages.Create("x@remote.test", a, "new-on-server"), MessageFlags.Flagged);

        await SyncAsync(mirror);

        Assert.Equal(["flag-locally", "flag-on-server", "leave-alone", "new-on-server"],
            Files(mirror, "INBOX").Keys.Select(SubjectOf).Order());
        Assert.Equal("FS", Find(mirror, "INBOX", "flag-locally").Flags);
        Assert.Equal("RS", Find(mirror, "INBOX", "flag-on-server").Flags);
        Assert.Equal("F", Find(mirror, "INBOX", "new-on-server").Flags);
        Assert.Equal("", Find(mirror, "INBOX", "leave-alone").Flags);

        // Nothing changed on either side since: another run leaves both exactly as they are.
        var localBefore = Snapshot(mirror);
        var serverBefore = await ServerStateAsync(account, "INBOX", "Archive/2024");
        string idle = await SyncAsync(mirror);
        Assert.DoesNotContain("Copy message", idle);
        Assert.DoesNotContain("Deleting", idle);
        Assert.DoesNotMatch("(Adding|Removing) flag", idle);
        Assert.Equal(localBefore, Snapshot(mirror));
        Assert.Equal(serverBefore, await ServerStateAsync(account, "INBOX", "Archive/2024"));
    }
}
