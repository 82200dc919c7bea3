using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Core.Blobs;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Pop3;

/// <summary>Puts mail straight into INBOX (blob store + index), so POP3 tests do not depend on SMTP.</summary>
internal static class Pop3TestMail
{
    public const string Password = "correct-horse-battery";

    /// <summary>Creates a user with a unique address and returns it.</summary>
    public static async Task<string> NewUserAsync(TestServer server, string prefix = "pop")
    {
        string address = $"{prefix}-{Guid.NewGuid():N}"[..20] + "@" + TestServer.Domain;
        await server.AddUserAsync(address, Password);
        return address;
    }

    public static byte[] Message(string subject, string body, string? extraHeaders = null) => Encoding.UTF8.GetBytes(
        $"From: sender@example.org\r\nTo: someone@{TestServer.Domain}\r\nSubject: {subject}\r\n"
        + "Message-ID: <" + Guid.NewGuid().ToString("N") + "@example.org>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
        + extraHeaders + "\r\n" + body);

    /// <summary>Stores <paramref name="message"/> as a blob and appends it to the account's INBOX; returns the UID.</summary>
    public static async Task<uint> AppendAsync(TestServer server, string account, byte[] message, MessageFlags flags = MessageFlags.None)
    {
        var blobs = server.Get<IMessageBlobStore>();
        BlobRef blob;
        var writer = blobs.CreateWriter(MessageIds.New());
        await using (writer)
        {
            await writer.WriteAsync(message, CancellationToken.None);
            blob = await writer.CommitAsync(CancellationToken.None);
        }
        var result = await server.Get<IMailboxIndex>().AppendAsync(account, DefaultMailboxes.Inbox, blob,
            DateTimeOffset.UtcNow, flags, [], null, CancellationToken.None);
        return result.Uid;
    }

    public static Task<IReadOnlyList<MessageRecord>> InboxAsync(TestServer server, string account) =>
        server.Get<IMailboxIndex>().GetMessagesAsync(account, DefaultMailboxes.Inbox, CancellationToken.None);

    public static async Task<uint[]> InboxUidsAsync(TestServer server, string account) =>
        [.. (await InboxAsync(server, account)).Select(m => m.Uid)];
}
