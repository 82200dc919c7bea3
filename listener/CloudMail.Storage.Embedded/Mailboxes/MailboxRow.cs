using CloudMail.Core.Mailboxes;

namespace CloudMail.Storage.Embedded.Mailboxes;

/// <summary>A row of <c>mailboxes</c>: a mailbox's identity, UID/MODSEQ counters and usage counters.</summary>
internal sealed record MailboxRow(
    long Id,
    string Name,
    SpecialUse SpecialUse,
    uint UidValidity,
    uint UidNext,
    ulong HighestModSeq,
    int Messages,
    int Unseen,
    long Size)
{
    public MailboxInfo ToInfo() => new(Name, UidValidity, UidNext, HighestModSeq, Messages, Unseen, Size, SpecialUse);

    /// <summary>The row after adding (or, with negative counts, removing) messages.</summary>
    public MailboxRow WithUsage(int messages, int unseen, long size) =>
        this with { Messages = Messages + messages, Unseen = Unseen + unseen, Size = Size + size };

    /// <summary>Allocates the next MODSEQ: HIGHESTMODSEQ grows by one on every change.</summary>
    public MailboxRow NextModSeq(out ulong modSeq)
    {
        modSeq = HighestModSeq + 1;
        return this with { HighestModSeq = modSeq };
    }

    /// <summary>Allocates the next UID. Throws <see cref="MailboxConflictException"/> when UIDs are exhausted.</summary>
    public MailboxRow NextUid(out uint uid)
    {
        if (UidNext == uint.MaxValue) throw new MailboxConflictException($"Mailbox '{Name}' has run out of UIDs.");
        uid = UidNext;
        return this with { UidNext = UidNext + 1 };
    }
}
