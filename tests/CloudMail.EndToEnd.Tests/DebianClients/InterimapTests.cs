using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Imap;

namespace CloudMail.EndToEnd.Tests.DebianClients;

/// <summary>
/// interimap (Debian), a stateful two-way synchronizer of two IMAP accounts built on QRESYNC (RFC 7162), LIST-EXTENDED,
/// LIST-STATUS, UIDPLUS and COMPRESS: it keeps each side's UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ between runs, takes
/// every change with a MODSEQ above the stored value for a change made since, and aborts on any server answer that does
/// not add up. Two CloudMail accounts over IMAPS (the certificate pinned by its key) stand for the two servers.
/// </summary>
[Collection(DebianClientsCollection.Name)]
public sealed class InterimapTests(DebianClientsServer server)
{
    private sealed record Pair(Account Local, Account Remote, string Config, string Home);

    private async Task<Pair> PairAsync(string name)
    {
        var local = await server.NewAccountAsync(name + "-local");
        var remote = await server.NewAccountAsync(name + "-remote");
        string home = server.NewScratchDirectory("interimap");
        using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(server.CertificatePemPath));
        string pin = Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        string Section(string section, Account account) => $"""
            [{section}]
            type = imaps
            host = 127.0.0.1
            port = {server.CloudMail.Imaps}
            username = {account.Address}
            password = {account.Password}
            SSL_verify = NO
            SSL_fingerprint = sha256${pin}

            """;
        string config = Path.Combine(home, "config");
        await File.WriteAllTextAsync(config, $"database = {Path.Combine(home, "sync.db")}\n\n" + Section("local", local) + Section("remote", remote));
        return new Pair(local, remote, config, home);
    }

    /// <summary>One interimap run; fails on a non-zero exit. Returns what it printed (one line per change it carried).</summary>
    private static async Task<string> SyncAsync(Pair pair)
    {
        var result = await DebianTool.RunAsync("interimap", "interimap", ["--config=" + pair.Config], pair.Home, timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Output;
    }

    private async Task<List<string>> StateAsync(Account account, string folder) =>
        [.. (await server.ListAsync(account, folder)).Select(m => $"{m.Subject} [{m.Flags}]").Order(StringComparer.Ordinal)];

    private async Task ChangeAsync(Account account, Func<ImapClient, Task> change)
    {
        using var imap = await server.ImapAsync(account);
        await change(imap);
        await imap.DisconnectAsync(true);
    }

    [Fact]
    public async Task Interimap_mirrors_two_accounts_and_carries_each_sides_changes_without_false_conflicts()
    {
        var pair = await PairAsync("interimap");
        string l = pair.Local.Address, r = pair.Remote.Address;
        await server.AppendAsync(pair.Local, "INBOX", TestMessages.Create("x@remote.test", l, "read-then-unread"), MessageFlags.Seen);
        await server.AppendAsync(pair.Local, "INBOX", TestMessages.Create("x@remote.test", l, "to-flag"));
        await server.AppendAsync(pair.Local, "INBOX", TestMessages.Create("x@remote.test", l, "to-delete"));
        await server.AppendAsync(pair.Local, "Projects", TestMessages.Create("x@remote.test", l, "project-plan"), MessageFlags.Flagged);
        await server.AppendAsync(pair.Remote, "INBOX", TestMessages.Create("y@remote.test", r, "from-the-other-side"));

        string first = await SyncAsync(pair);
        Assert.Equal(await StateAsync(pair.Local, "INBOX"), await StateAsync(pair.Remote, "INBOX"));
        Assert.Equal(4, (await StateAsync(pair.Remote, "INBOX")).Count);
        Assert.Equal(["project-plan [Flagged]"], await StateAsync(pair.Remote, "Projects"));
        Assert.DoesNotContain("WARNING", first, StringComparison.Ordinal);

        // Each side changes different messages: a flag removed and one set and a message expunged on one, a flag set
        // and new mail on the other. None of it is a conflict, and a removed flag must stay removed.
        await ChangeAsync(pair.Local, async imap =>
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
            var all = await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope);
            UniqueId Uid(string subject) => all.Single(m => m.Envelope?.Subject == subject).UniqueId;
            await imap.Inbox.RemoveFlagsAsync(Uid("read-then-unread"), MessageFlags.Seen, silent: true);
            await imap.Inbox.AddFlagsAsync(Uid("to-flag"), MessageFlags.Flagged, silent: true);
            await imap.Inbox.AddFlagsAsync(Uid("to-delete"), MessageFlags.Deleted, silent: true);
            await imap.Inbox.ExpungeAsync();
        });
        await ChangeAsync(pair.Remote, async imap =>
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
            var all = await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope);
            await imap.Inbox.AddFlagsAsync(all.Single(m => m.Envelope?.Subject == "from-the-other-side").UniqueId, MessageFlags.Answered, silent: true);
        });
        await server.AppendAsync(pair.Remote, "INBOX", TestMessages.Create("y@remote.test", r, "new-on-remote"));
        await server.AppendAsync(pair.Remote, "Projects", TestMessages.Create("y@remote.test", r, "project-budget"), MessageFlags.Seen);

        string second = await SyncAsync(pair);
        Assert.DoesNotContain("WARNING", second, StringComparison.Ordinal);
        string[] inbox = ["from-the-other-side [Answered]", "new-on-remote [None]", "read-then-unread [None]", "to-flag [Flagged]"];
        Assert.Equal(inbox, await StateAsync(pair.Local, "INBOX"));
        Assert.Equal(inbox, await StateAsync(pair.Remote, "INBOX"));
        Assert.Equal(["project-budget [Seen]", "project-plan [Flagged]"], await StateAsync(pair.Local, "Projects"));
        Assert.Equal(["project-budget [Seen]", "project-plan [Flagged]"], await StateAsync(pair.Remote, "Projects"));

        // Nothing changed since: the third run carries nothing.
        string third = await SyncAsync(pair);
        Assert.DoesNotMatch("(Added|Updated|Removed|WARNING)", third);
    }
}
