using System.Text.RegularExpressions;
using MailKit;

namespace CloudMail.EndToEnd.Tests.DebianClients;

/// <summary>
/// mbsync (isync), a strict IMAP synchronizer: it keeps UIDVALIDITY/UID state between runs and refuses servers
/// whose UIDs, APPENDUID or flags do not add up. Pull every folder into a Maildir, push local changes back,
/// and check that a second run finds nothing to do.
/// </summary>
[Collection(DebianClientsCollection.Name)]
public sealed class MbsyncTests(DebianClientsServer server)
{
    private static readonly string[] DefaultFolders = ["INBOX", "Sent", "Drafts", "Trash", "Junk"];

    private sealed record Mirror(Account Account, string Maildir, string Config, string Home);

    /// <summary>Writes an mbsyncrc for a two-way sync of every folder over 993 (IMAPS) or 143 (STARTTLS).</summary>
    private async Task<Mirror> MirrorAsync(Account account, bool startTls)
    {
        string home = server.NewScratchDirectory("mbsync");
        string maildir = Path.Combine(home, "Mail") + "/";
        System.IO.Directory.CreateDirectory(maildir);
        string config = Path.Combine(home, "mbsyncrc");
        await File.WriteAllTextAsync(config, $"""
            IMAPAccount cloudmail
            Host 127.0.0.1
            Port {(startTls ? server.CloudMail.Imap : server.CloudMail.Imaps)}
            User {account.Address}
            Pass {account.Password}
            SSLType {(startTls ? "STARTTLS" : "IMAPS")}
            CertificateFile {server.CertificatePemPath}
            Timeout 20

            IMAPStore remote
            Account cloudmail

            MaildirStore local
            Path {maildir}
            Inbox {maildir}INBOX
            SubFolders Verbatim

            Channel cloudmail
            Far :remote:
            Near :local:
            Patterns *
            Create Both
            Expunge Both
            SyncState *
            Sync All

            """);
        return new Mirror(account, maildir, config, home);
    }

    /// <summary>Runs <c>mbsync -a</c> with protocol tracing; returns the trace. Fails on a non-zero exit.</summary>
    private static async Task<string> SyncAsync(Mirror mirror)
    {
        var result = await DebianTool.RunAsync("mbsync", "isync", ["-Dn", "-c", mirror.Config, "-a"], mirror.Home, timeout: TimeSpan.FromSeconds(40));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotMatch(@"(?m)^\S+ (NO|BAD) ", result.Output);
        return result.Output;
    }

    private static Dictionary<string, string> Files(Mirror mirror, string folder) => MaildirFiles.Files(mirror.Maildir, folder);

    private static string SubjectOf(string file) => MaildirFiles.SubjectOf(file);

    private static (string File, string Flags) Find(Mirror mirror, string folder, string subject) => MaildirFiles.Find(mirror.Maildir, folder, subject);

    [Fact]
    public async Task Mbsync_pulls_the_inbox_and_every_folder_into_a_maildir_with_flags()
    {
        var account = await server.NewAccountAsync("mbsync-pull");
        string a = account.Address;
        await server.AppendAsync(account, "INBOX", TestMessages.Create("x@remote.test", a, "inbox-unread"));
        await server.AppendAsync(account, "INBOX", TestMessages.Create("x@remote.test", a, "inbox-read-flagged"), MessageFlags.Seen | MessageFlags.Flagged);
        await server.AppendAsync(account, "INBOX", TestMessages.Create("x@remote.test", a, "inbox-large", string.Concat(Enumerable.Repeat("0123456789abcdef".PadRight(76, '-') + "\r\n", 20_000))), MessageFlags.Seen);
        await server.AppendAsync(account, "Sent", TestMessages.Create(a, "x@remote.test", "sent-one"), MessageFlags.Seen);
        await server.AppendAsync(account, "Drafts", TestMessages.Create(a, "x@remote.test", "draft-one"), MessageFlags.Draft);
        await server.AppendAsync(account, "Trash", TestMessages.Create("x@remote.test", a, "trash-one"), MessageFlags.Seen);
        await server.AppendAsync(account, "Junk", TestMessages.Create("spam@remote.test", a, "junk-one"));
        await server.AppendAsync(account, "Archive/2024", TestMessages.Create("x@remote.test", a, "archived-answered"), MessageFlags.Seen | MessageFlags.Answered);
        var mirror = await MirrorAsync(account, startTls: false);

        await SyncAsync(mirror);

        foreach (string folder in DefaultFolders.Append("Archive/2024"))
            Assert.True(System.IO.Directory.Exists(Path.Combine(mirror.Maildir, folder, "cur")), $"{folder} was not created locally");
        Assert.Equal(3, Files(mirror, "INBOX").Count);
        Assert.Equal("", Find(mirror, "INBOX", "inbox-unread").Flags);
        Assert.Equal("FS", Find(mirror, "INBOX", "inbox-read-flagged").Flags);
        Assert.Equal("S", Find(mirror, "Sent", "sent-one").Flags);
        Assert.Equal("D", Find(mirror, "Drafts", "draft-one").Flags);
        Assert.Equal("S", Find(mirror, "Trash", "trash-one").Flags);
        Assert.Equal("", Find(mirror, "Junk", "junk-one").Flags);
        Assert.Equal("RS", Find(mirror, "Archive/2024", "archived-answered").Flags);
        // Byte-exact apart from the line ends mbsync converts to LF in a Maildir.
        string large = await File.ReadAllTextAsync(Find(mirror, "INBOX", "inbox-large").File);
        Assert.Equal(20_000, Regex.Matches(large, "^0123456789abcdef-{60}$", RegexOptions.Multiline).Count);
    }

    [Fact]
    public async Task Mbsync_over_starttls_pushes_local_flags_deletions_and_new_messages_and_a_second_sync_is_a_no_op()
    {
        var account = await server.NewAccountAsync("mbsync-push");
        string a = account.Address;
        foreach (string subject in new[] { "keep-and-flag", "trash-locally", "delete-locally", "leave-alone" })
            await server.AppendAsync(account, "INBOX", TestMessages.Create("x@remote.test", a, subject));
        var mirror = await MirrorAsync(account, startTls: true);
        await SyncAsync(mirror);

        // Local changes, as a mail client working on the Maildir makes them.
        var (flagFile, _) = Find(mirror, "INBOX", "keep-and-flag");
        File.Move(flagFile, Path.Combine(mirror.Maildir, "INBOX", "cur", Path.GetFileName(flagFile)[..(Path.GetFileName(flagFile).LastIndexOf(":2,", StringComparison.Ordinal) + 3)] + "FS"));
        var (trashFile, _) = Find(mirror, "INBOX", "trash-locally");
        File.Move(trashFile, trashFile + "T");
        File.Delete(Find(mirror, "INBOX", "delete-locally").File);
        await File.WriteAllTextAsync(Path.Combine(mirror.Maildir, "Drafts", "cur", "1700000000.1_1.client:2,D"),
            $"From: {a}\nTo: x@remote.test\nSubject: local-draft\nDate: Fri, 14 Mar 2025 15:09:26 +0000\nMessage-ID: <local-draft@client.test>\n\nWritten offline.\n.\n..\n");
        foreach (string sub in new[] { "cur", "new", "tmp" }) System.IO.Directory.CreateDirectory(Path.Combine(mirror.Maildir, "Projects", sub));
        await File.WriteAllTextAsync(Path.Combine(mirror.Maildir, "Projects", "cur", "1700000001.1_1.client:2,S"),
            $"From: {a}\nTo: x@remote.test\nSubject: in-a-new-folder\nMessage-ID: <new-folder@client.test>\n\nFiled offline.\n");

        string push = await SyncAsync(mirror);

        Assert.Matches(@"(?m)^(\(\d+ in progress\) )?>>> \d+ CREATE ""Projects""", push);
        var inbox = await server.ListAsync(account, "INBOX");
        Assert.Equal(["keep-and-flag", "leave-alone"], inbox.Select(m => m.Subject).Order());
        Assert.Equal(MessageFlags.Flagged | MessageFlags.Seen, inbox.Single(m => m.Subject == "keep-and-flag").Flags);
        var draft = Assert.Single(await server.ListAsync(account, "Drafts"));
        Assert.Equal(("local-draft", MessageFlags.Draft), draft);
        var filed = Assert.Single(await server.ListAsync(account, "Projects"));
        Assert.Equal(("in-a-new-folder", MessageFlags.Seen), filed);

        // Twice more: nothing left to push or pull, nothing duplicated on either side.
        var localBefore = DefaultFolders.Append("Projects").ToDictionary(f => f, f => Files(mirror, f).Keys.Order().ToList());
        for (int run = 0; run < 2; run++)
        {
            string again = await SyncAsync(mirror);
            Assert.DoesNotMatch(@">>> \d+ (APPEND|UID STORE|STORE|CREATE|EXPUNGE|UID EXPUNGE|DELETE)\b", again);
            foreach (var (folder, files) in localBefore) Assert.Equal(files, Files(mirror, folder).Keys.Order().ToList());
        }
        Assert.Equal(2, (await server.ListAsync(account, "INBOX")).Count);
        Assert.Single(await server.ListAsync(account, "Drafts"));
    }

    [Fact]
    public async Task Mbsync_gets_a_clear_refusal_for_a_raw_8bit_folder_name_and_later_syncs_stay_consistent()
    {
        // mbsync 1.4 sends local folder names verbatim. "Réunions" created over IMAP travels as modified UTF-7 and
        // syncs; a local "Été" would arrive as raw UTF-8, which RFC 3501 §5.1 says servers SHOULD NOT create: it is
        // refused at CREATE (previously it was created, LIST then named it "&AMk-t&AOk-" and every later sync failed).
        var account = await server.NewAccountAsync("mbsync-8bit");
        await server.AppendAsync(account, "Réunions", TestMessages.Create("x@remote.test", account.Address, "meeting"));
        var mirror = await MirrorAsync(account, startTls: false);
        await SyncAsync(mirror);
        foreach (string folder in new[] { "Été", "Plain" })
        {
            foreach (string sub in new[] { "cur", "new", "tmp" }) System.IO.Directory.CreateDirectory(Path.Combine(mirror.Maildir, folder, sub));
            await File.WriteAllTextAsync(Path.Combine(mirror.Maildir, folder, "cur", "1700000002.1_1.client:2,S"), $"Subject: in {folder}\n\nFiled offline.\n");
        }

        for (int run = 0; run < 2; run++)
        {
            var result = await DebianTool.RunAsync("mbsync", "isync", ["-c", mirror.Config, "-a"], mirror.Home, timeout: TimeSpan.FromSeconds(40));
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("NO [CANNOT] Mailbox names are 7-bit", result.Output);
            Assert.DoesNotContain("cannot be opened", result.Output);
        }

        Assert.Equal([("in Plain", MessageFlags.Seen)], await server.ListAsync(account, "Plain"));
        Assert.Equal(["meeting"], (await server.ListAsync(account, "Réunions")).Select(m => m.Subject));
        Assert.Equal(["R&AOk-unions"], System.IO.Directory.GetDirectories(mirror.Maildir).Select(Path.GetFileName).Where(n => n!.Contains('&')));
    }
}
