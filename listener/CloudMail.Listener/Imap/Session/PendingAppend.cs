using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;

namespace CloudMail.Listener.Imap.Session;

/// <summary>One APPEND message whose bytes were streamed into <see cref="Writer"/>, not yet committed.</summary>
internal sealed record StreamedMessage(MessageFlags Flags, IReadOnlyList<string> Keywords, DateTimeOffset InternalDate, IBlobWriter Writer);

/// <summary>
/// An APPEND in progress: the messages streamed so far (several for MULTIAPPEND, RFC 3502), awaiting the end of
/// the command line. Disposing drops every uncommitted blob.
/// </summary>
internal sealed class PendingAppend(string tag, string mailbox) : IAsyncDisposable
{
    public string Tag { get; } = tag;

    public string Mailbox { get; } = mailbox;

    /// <summary>The destination mailbox as the checks before the first message found it (its special use decides Junk training).</summary>
    public MailboxInfo? Destination { get; set; }

    public List<StreamedMessage> Messages { get; } = [];

    public async ValueTask DisposeAsync()
    {
        foreach (StreamedMessage message in Messages) await message.Writer.DisposeAsync().ConfigureAwait(false);
        Messages.Clear();
    }
}
