using System.Runtime.Serialization;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Mailboxes;

/// <summary>The account row: the last UIDVALIDITY handed out in this account.</summary>
internal sealed class AccountRow : TableRow
{
    public long LastUidValidity { get; set; }
}

/// <summary>
/// A mailbox and its counters. Every write that changes the mailbox or its messages replaces this row
/// conditioned on the ETag it read, in the same transaction as the message rows, so this row's ETag is
/// the mailbox's optimistic lock.
/// </summary>
internal sealed class MailboxRow : TableRow
{
    public string Name { get; set; } = "";
    public int SpecialUse { get; set; }

    /// <summary>Immutable id of the mailbox's message rows; equal to its UIDVALIDITY.</summary>
    public long MailboxId { get; set; }

    public long UidNext { get; set; }
    public long HighestModSeq { get; set; }

    /// <summary>True when the mailbox keeps change index rows (<c>chg:</c>, see <see cref="IndexRows"/>); false for mailboxes created before.</summary>
    public bool ChangeIndexed { get; set; }

    /// <summary>Expunges with a MODSEQ up to this were pruned from the log: changed-since from below it cannot be exact.</summary>
    public long ExpungeLogFrom { get; set; }
    public int Messages { get; set; }
    public int Unseen { get; set; }
    public long Size { get; set; }

    [IgnoreDataMember]
    public uint UidValidity => (uint)MailboxId;

    public MailboxInfo ToInfo() =>
        new(Name, UidValidity, (uint)UidNext, (ulong)HighestModSeq, Messages, Unseen, Size, (SpecialUse)SpecialUse);

    /// <summary>Takes the next UID.</summary>
    public uint TakeUid()
    {
        if (UidNext >= uint.MaxValue) throw new MailboxConflictException($"Mailbox '{Name}' has run out of UIDs.");
        return (uint)UidNext++;
    }

    /// <summary>Takes a new MODSEQ (and makes it the HIGHESTMODSEQ).</summary>
    public ulong TakeModSeq() => (ulong)++HighestModSeq;

    public void AddUsage(int messages, int unseen, long size)
    {
        Messages += messages;
        Unseen += unseen;
        Size += size;
    }

    /// <summary>The same mailbox under another row key (RENAME), without ETag.</summary>
    public MailboxRow MovedTo(string rowKey, string name) => new()
    {
        PartitionKey = PartitionKey,
        RowKey = rowKey,
        Name = name,
        SpecialUse = SpecialUse,
        MailboxId = MailboxId,
        UidNext = UidNext,
        HighestModSeq = HighestModSeq,
        ChangeIndexed = ChangeIndexed,
        ExpungeLogFrom = ExpungeLogFrom,
        Messages = Messages,
        Unseen = Unseen,
        Size = Size,
    };
}

/// <summary>One message in one mailbox.</summary>
internal sealed class MessageRow : TableRow
{
    public long Uid { get; set; }
    public long ModSeq { get; set; }
    public int Flags { get; set; }

    /// <summary>Space-separated IMAP keywords (atoms contain no spaces).</summary>
    public string Keywords { get; set; } = "";

    public string BlobId { get; set; } = "";
    public long BlobSize { get; set; }
    public string BlobSha256 { get; set; } = "";
    public long InternalDateTicks { get; set; }
    public int InternalDateOffsetMinutes { get; set; }

    /// <summary>UTC ticks of the save date (RFC 8514 §3); absent on rows written before save dates were recorded.</summary>
    public long? SaveDateTicks { get; set; }

    /// <summary>
    /// <see cref="MessageRecord.Structure"/> (at most <see cref="Core.Mailboxes.Structure.StoredStructure.MaxLength"/>
    /// characters, under Table Storage's 64 KiB string property limit); on message rows only, never on change index rows
    /// (a message's rows share one transaction's 4 MiB); absent on rows written before structures were kept.
    /// </summary>
    public string? Structure { get; set; }

    /// <summary>The columns of a record without its structure, for lists (<see cref="IMailboxIndex.GetMessagesAsync"/>).</summary>
    public static readonly IReadOnlyList<string> ListedColumns =
    [
        nameof(PartitionKey), nameof(RowKey), nameof(Uid), nameof(ModSeq), nameof(Flags), nameof(Keywords), nameof(BlobId), nameof(BlobSize),
        nameof(BlobSha256), nameof(InternalDateTicks), nameof(InternalDateOffsetMinutes), nameof(SaveDateTicks),
    ];

    /// <summary>As <see cref="ListedColumns"/> without the blob's hash (left empty), for <see cref="IMailboxIndex.ListForViewAsync"/>.</summary>
    public static readonly IReadOnlyList<string> ViewedColumns = [.. ListedColumns.Where(c => c != nameof(BlobSha256))];

    /// <summary>The columns <see cref="IMailboxIndex.GetStructuresAsync"/> reads.</summary>
    public static readonly IReadOnlyList<string> StructureColumns = [nameof(PartitionKey), nameof(RowKey), nameof(Uid), nameof(BlobId), nameof(Structure)];

    /// <summary>The message row of <paramref name="record"/>, or with <paramref name="asChange"/> its change index row.</summary>
    public static MessageRow From(string partitionKey, long mailboxId, MessageRecord record, bool asChange = false) => new()
    {
        PartitionKey = partitionKey,
        RowKey = asChange ? IndexRows.Change(mailboxId, record.ModSeq) : IndexRows.Message(mailboxId, record.Uid),
        Uid = record.Uid,
        ModSeq = (long)record.ModSeq,
        Flags = (int)record.Flags,
        Keywords = KeywordList.Store(record.Keywords),
        BlobId = record.Blob.Id,
        BlobSize = record.Blob.Size,
        BlobSha256 = record.Blob.Sha256,
        InternalDateTicks = StoredTime.ToTicks(record.InternalDate),
        InternalDateOffsetMinutes = StoredTime.OffsetMinutes(record.InternalDate),
        SaveDateTicks = record.SaveDate is { } saved ? StoredTime.ToTicks(saved) : null,
        Structure = asChange ? null : record.Structure,
    };

    public MessageRecord ToRecord() => new(
        (uint)Uid,
        new BlobRef(BlobId, BlobSize, BlobSha256),
        StoredTime.FromTicks(InternalDateTicks, InternalDateOffsetMinutes),
        (MessageFlags)Flags,
        KeywordList.Load(Keywords),
        (ulong)ModSeq,
        SaveDateTicks is { } saved ? StoredTime.FromTicks(saved) : null,
        Structure);
}

/// <summary>A UID removed from a mailbox, and the MODSEQ of its removal.</summary>
internal sealed class ExpungedRow : TableRow
{
    public long Uid { get; set; }
    public long ModSeq { get; set; }
}

/// <summary>A subscribed mailbox name.</summary>
internal sealed class SubscriptionRow : TableRow
{
    public string Name { get; set; } = "";
}

/// <summary>The result of the first append made with an idempotency key.</summary>
internal sealed class AppendKeyRow : TableRow
{
    public string Key { get; set; } = "";
    public long UidValidity { get; set; }
    public long Uid { get; set; }
    public long ModSeq { get; set; }

    public AppendResult ToResult() => new((uint)UidValidity, (uint)Uid, (ulong)ModSeq, AlreadyPresent: true);
}
