using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CloudMail.EndToEnd.Tests.Infrastructure;

/// <summary>MailKit clients wired for the test server (self-signed certificate accepted, short timeouts).</summary>
public static class MailClients
{
    public static async Task<SmtpClient> SmtpAsync(int port, SecureSocketOptions security, string? user = null, string? password = null, string host = "127.0.0.1")
    {
        var client = new SmtpClient { Timeout = 20_000, ServerCertificateValidationCallback = (_, _, _, _) => true, LocalDomain = "client.remote.test" };
        await client.ConnectAsync(host, port, security);
        if (user is not null) await client.AuthenticateAsync(user, password ?? "");
        return client;
    }

    public static async Task<ImapClient> ImapAsync(int port, SecureSocketOptions security, string user, string password, string host = "127.0.0.1")
    {
        var client = new ImapClient { Timeout = 20_000, ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync(host, port, security);
        await client.AuthenticateAsync(user, password);
        return client;
    }

    public static async Task<Pop3Client> Pop3Async(int port, SecureSocketOptions security, string user, string password, string host = "127.0.0.1")
    {
        var client = new Pop3Client { Timeout = 20_000, ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync(host, port, security);
        await client.AuthenticateAsync(user, password);
        return client;
    }

    public static MimeMessage Message(string from, string to, string subject, string body = "Hello from the end-to-end tests.")
    {
        var m = new MimeMessage();
        m.From.Add(MailboxAddress.Parse(from));
        m.To.Add(MailboxAddress.Parse(to));
        m.Subject = subject;
        m.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.remote.test");
        m.Body = new TextPart("plain") { Text = body };
        return m;
    }

    /// <summary>
    /// Polls INBOX over IMAP until every subject in <paramref name="subjects"/> is present or the timeout passes
    /// (the pipeline is asynchronous). Returns the subjects of those messages, duplicates included.
    /// </summary>
    public static async Task<List<string>> WaitForSubjectsAsync(int imapsPort, string user, string password, IReadOnlyCollection<string> subjects, TimeSpan timeout, string host = "127.0.0.1")
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var imap = await ImapAsync(imapsPort, SecureSocketOptions.SslOnConnect, user, password, host);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var all = imap.Inbox.Count == 0 ? [] : await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.UniqueId);
            await imap.DisconnectAsync(true);
            var found = all.Select(s => s.Envelope?.Subject ?? "").Where(subjects.Contains).ToList();
            if (found.Distinct().Count() == subjects.Count || DateTime.UtcNow > deadline) return found;
            await Task.Delay(200);
        }
    }
}
