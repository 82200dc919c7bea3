using CloudMail.Core.Mailboxes;

namespace CloudMail.Listener.MailFiles;

/// <summary>Writes exported mailboxes in one file format (<see cref="MboxWriter"/>, <see cref="MaildirWriter"/>).</summary>
public interface IMailFileWriter
{
    /// <summary>
    /// Writes <paramref name="messages"/> of <paramref name="mailbox"/> (in UID order), reading each message's bytes
    /// with <paramref name="read"/>; flags, keywords and internal dates go where the format keeps them.
    /// </summary>
    Task WriteMailboxAsync(MailboxInfo mailbox, IReadOnlyList<MessageRecord> messages, Func<MessageRecord, Task<byte[]>> read, CancellationToken ct);
}
