using System.Security.Cryptography.X509Certificates;
using CloudMail.EndToEnd.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace CloudMail.EndToEnd.Tests.DebianClients;

/// <summary>The Debian client tests share one server (they each use their own account) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class DebianClientsCollection : ICollectionFixture<DebianClientsServer>
{
    public const string Name = "Debian mail clients";
}

/// <summary>A mailbox owner on the shared server.</summary>
public sealed record Account(string Address, string Password)
{
    /// <summary>The address with '@' percent-encoded, for URLs (curl, mutt, s-nail).</summary>
    public string UrlUser => Uri.EscapeDataString(Address);
}

/// <summary>
/// One real <c>cloudmail serve</c> for every Debian client test, with domain example.test, its self-signed
/// certificate exported as PEM (for clients that pin a certificate file), and scratch folders that are
/// removed with it.
/// </summary>
public sealed class DebianClientsServer : IAsyncLifetime
{
    public const string Domain = "example.test";

    private readonly List<string> _scratch = [];
    private int _accounts;

    public CloudMailProcess CloudMail { get; } = new();

    /// <summary>The server certificate as a PEM file (mbsync's CertificateFile, mutt's certificate_file).</summary>
    public string CertificatePemPath { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var (code, output) = await CloudMail.AdminAsync(null, "domain", "add", Domain);
        if (code != 0) throw new InvalidOperationException("domain add failed: " + output);
        await CloudMail.StartAsync();

        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(CloudMail.DataDirectory, "tls", "dev-cert.pfx"), null);
        CertificatePemPath = Path.Combine(NewScratchDirectory("cert"), "cloudmail.pem");
        await File.WriteAllTextAsync(CertificatePemPath, certificate.ExportCertificatePem() + "\n");
    }

    /// <summary>Adds a fresh account (admin command against the running server) so tests never see each other's mail.</summary>
    public async Task<Account> NewAccountAsync(string name)
    {
        var account = new Account($"{name}-{Interlocked.Increment(ref _accounts)}@{Domain}", $"Pw-{Guid.NewGuid():N}"[..20]);
        var (code, output) = await CloudMail.AdminAsync(account.Password + "\n", "user", "add", account.Address);
        if (code != 0) throw new InvalidOperationException($"user add {account.Address} failed: {output}");
        return account;
    }

    /// <summary>An empty folder (a client's HOME, a Maildir, an mda target), deleted when the server goes.</summary>
    public string NewScratchDirectory(string name)
    {
        string path = Path.Combine(Path.GetTempPath(), $"cloudmail-debian-{name}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(path);
        lock (_scratch) _scratch.Add(path);
        return path;
    }

    /// <summary>A MailKit IMAP session over 993 for seeding and checking mailboxes.</summary>
    public Task<ImapClient> ImapAsync(Account account) =>
        MailClients.ImapAsync(CloudMail.Imaps, SecureSocketOptions.SslOnConnect, account.Address, account.Password);

    /// <summary>Appends <paramref name="message"/> to <paramref name="folder"/> (created when missing); returns its UID.</summary>
    public async Task<UniqueId> AppendAsync(Account account, string folder, MimeMessage message, MessageFlags flags = MessageFlags.None)
    {
        using var imap = await ImapAsync(account);
        var target = await GetOrCreateFolderAsync(imap, folder);
        var uid = await target.AppendAsync(message, flags);
        await imap.DisconnectAsync(true);
        return uid ?? throw new InvalidOperationException("APPEND returned no APPENDUID");
    }

    /// <summary>Subject and flags of every message in <paramref name="folder"/>, as the server has them now.</summary>
    public async Task<List<(string Subject, MessageFlags Flags)>> ListAsync(Account account, string folder)
    {
        using var imap = await ImapAsync(account);
        var mailbox = await imap.GetFolderAsync(folder);
        await mailbox.OpenAsync(FolderAccess.ReadOnly);
        var list = mailbox.Count == 0
            ? []
            : (await mailbox.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.Flags))
                // The flags the clients set; \Recent belongs to this reading session, not to the message (RFC 3501 §2.3.2).
                .Select(s => (s.Envelope?.Subject ?? "", (s.Flags ?? MessageFlags.None) & ~MessageFlags.Recent)).ToList();
        await imap.DisconnectAsync(true);
        return list;
    }

    /// <summary>Waits until the pipeline has delivered a message with each subject to the account's INBOX.</summary>
    public async Task<List<string>> WaitForInboxAsync(Account account, params string[] subjects) =>
        await MailClients.WaitForSubjectsAsync(CloudMail.Imaps, account.Address, account.Password, subjects, TimeSpan.FromSeconds(20));

    private static async Task<IMailFolder> GetOrCreateFolderAsync(ImapClient imap, string path)
    {
        if (path.Equals("INBOX", StringComparison.OrdinalIgnoreCase)) return imap.Inbox;
        IMailFolder folder = imap.GetFolder(imap.PersonalNamespaces[0]);
        foreach (string name in path.Split('/'))
        {
            var children = await folder.GetSubfoldersAsync();
            folder = children.FirstOrDefault(f => f.Name == name)
                ?? await folder.CreateAsync(name, isMessageFolder: true)
                ?? throw new InvalidOperationException($"CREATE {path} returned no folder");
        }
        return folder;
    }

    public async Task DisposeAsync()
    {
        await CloudMail.DisposeAsync();
        lock (_scratch)
        {
            foreach (string path in _scratch)
            {
                try { System.IO.Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }
}

/// <summary>Test messages with known, exact bytes.</summary>
public static class TestMessages
{
    public static MimeMessage Create(string from, string to, string subject, string body = "Sent by the Debian client tests.")
    {
        var m = MailClients.Message(from, to, subject, body);
        m.Date = new DateTimeOffset(2025, 3, 14, 15, 9, 26, TimeSpan.Zero);
        return m;
    }

    /// <summary>The message as it goes over the wire: CRLF line ends.</summary>
    public static string Text(MimeMessage message)
    {
        using var bytes = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, bytes);
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>An RFC 5322 message as CRLF text, for clients that read a file.</summary>
    public static string Raw(string from, string to, string subject, string body) =>
        $"From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Fri, 14 Mar 2025 15:09:26 +0000\r\n" +
        $"Message-ID: <{Guid.NewGuid():N}@client.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}";
}
