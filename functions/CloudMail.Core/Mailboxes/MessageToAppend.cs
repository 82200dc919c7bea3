using CloudMail.Core.Blobs;

namespace CloudMail.Core.Mailboxes;

/// <summary>
/// One message of <see cref="IMailboxIndex.AppendAllAsync"/>: its stored body and what it starts with, and its
/// structure (<see cref="MessageRecord.Structure"/>) when the caller computed it.
/// </summary>
public sealed record MessageToAppend(BlobRef Blob, DateTimeOffset InternalDate, MessageFlags Flags, IReadOnlyList<string> Keywords, string? Structure = null)
{
    /// <summary>
    /// Most messages <see cref="IMailboxIndex.AppendAllAsync"/> adds in one atomic change: what one Azure Table
    /// transaction holds (100 actions: the mailbox row and two rows per message). Every backend honours it, so
    /// protocols can promise the same limit whatever the backend.
    /// </summary>
    public const int MaxPerAtomicAppend = 49;

    /// <summary>The argument checks of <see cref="IMailboxIndex.AppendAllAsync"/>, shared by the backends.</summary>
    public static void ThrowIfInvalid(IReadOnlyList<MessageToAppend> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count is 0 or > MaxPerAtomicAppend)
            throw new ArgumentException($"Between 1 and {MaxPerAtomicAppend} messages are appended at once.", nameof(messages));
        foreach (MessageToAppend message in messages) ArgumentNullException.ThrowIfNull(message?.Blob, nameof(messages));
    }
}
