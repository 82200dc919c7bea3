using CloudMail.Core.Blobs;

namespace CloudMail.Core.Mailboxes;

/// <summary>State of one mailbox as IMAP SELECT/STATUS report it.</summary>
/// <param name="Name">Full hierarchical name, '/'-delimited; INBOX spelled "INBOX".</param>
/// <param name="UidValidity">Fixed at creation; changes only if the mailbox is recreated.</param>
/// <param name="UidNext">Next UID that will be assigned (RFC 9051 §2.3.1.1).</param>
/// <param name="HighestModSeq">Highest MODSEQ of any change in the mailbox (RFC 7162 §3.1.1).</param>
/// <param name="Messages">Number of messages.</param>
/// <param name="Unseen">Number of messages without \Seen.</param>
/// <param name="Size">Sum of message sizes in bytes.</param>
public sealed record MailboxInfo(
    string Name,
    uint UidValidity,
    uint UidNext,
    ulong HighestModSeq,
    int Messages,
    int Unseen,
    long Size,
    SpecialUse SpecialUse);

/// <summary>One message in a mailbox.</summary>
/// <param name="Uid">Strictly ascending within the mailbox, never reused under the same UIDVALIDITY.</param>
/// <param name="Blob">Claim-check of the raw MIME in the blob store (shared between copies).</param>
/// <param name="InternalDate">Arrival time (IMAP INTERNALDATE).</param>
/// <param name="ModSeq">MODSEQ of the last change to this message (RFC 7162).</param>
/// <param name="SaveDate">
/// When the message was saved into this mailbox (IMAP SAVEDATE, RFC 8514 §3): set by the index on append, delivery and
/// copy (a copy or move gets a new one); null when unknown (messages stored before save dates were recorded).
/// </param>
/// <param name="Structure">
/// The message's envelope and body structure in <see cref="Structure.StoredStructure"/> form, computed once when the
/// message was first stored (copies and moves carry it); null when not known yet (stored before structures were kept,
/// too large to keep, or read from a row that does not carry it): readers then parse the blob and may write it back
/// with <see cref="IMailboxIndex.SetStructuresAsync"/>. Never changes the MODSEQ.
/// </param>
public sealed record MessageRecord(
    uint Uid,
    BlobRef Blob,
    DateTimeOffset InternalDate,
    MessageFlags Flags,
    IReadOnlyList<string> Keywords,
    ulong ModSeq,
    DateTimeOffset? SaveDate = null,
    string? Structure = null)
{
    public long Size => Blob.Size;
}

/// <summary>A message's kept structure (<see cref="MessageRecord.Structure"/>), read on its own by <see cref="IMailboxIndex.GetStructuresAsync"/>.</summary>
/// <param name="Uid">The message's UID in the mailbox asked about.</param>
/// <param name="BlobId">The message's blob id (<see cref="BlobRef.Id"/>), for the reader to check it is the message it means.</param>
/// <param name="Value">The structure in <see cref="Structure.StoredStructure"/> form.</param>
public sealed record KeptStructure(uint Uid, string BlobId, string Value);

/// <summary>Result of appending one message.</summary>
/// <param name="AlreadyPresent">True when the idempotency key was seen before and nothing was added.</param>
/// <param name="Stored">
/// The message as the index stored it (flags and keywords normalized, its save date), when the backend returns it: a
/// session with the mailbox selected can then add it to its view without reading the index again. Null otherwise.
/// </param>
public sealed record AppendResult(uint UidValidity, uint Uid, ulong ModSeq, bool AlreadyPresent, MessageRecord? Stored = null);

/// <summary>Result of COPY: UIDs in the source and their new UIDs in the destination (RFC 4315 COPYUID).</summary>
public sealed record CopyResult(uint DestinationUidValidity, IReadOnlyList<uint> SourceUids, IReadOnlyList<uint> DestinationUids);

/// <summary>What changed in a mailbox since a MODSEQ: changed messages and expunged UIDs (for QRESYNC VANISHED).</summary>
/// <param name="Complete">
/// False when the MODSEQ asked about is older than the expunge log still remembers (it was pruned, see
/// <see cref="MailboxIndexOptions.ExpungeLogRetention"/>): then <paramref name="Changed"/> holds every message of the
/// mailbox, and every UID the caller knows that is not among them was expunged (RFC 7162 §3.2.5.2: report all as
/// changed rather than miss a vanished one). <paramref name="Expunged"/> still lists what the log remembers.
/// </param>
public sealed record MailboxChanges(ulong HighestModSeq, IReadOnlyList<MessageRecord> Changed, IReadOnlyList<uint> Expunged, bool Complete = true);

/// <summary>Storage used by one account (RFC 9208 QUOTA resources STORAGE and MESSAGE).</summary>
public sealed record QuotaUsage(long Bytes, long Messages);

/// <summary>A mailbox that should exist does not (IMAP NO [NONEXISTENT]).</summary>
public sealed class MailboxNotFoundException(string name) : Exception($"Mailbox '{name}' does not exist.");

/// <summary>A mailbox with that name already exists (IMAP NO [ALREADYEXISTS]).</summary>
public sealed class MailboxExistsException(string name) : Exception($"Mailbox '{name}' already exists.");

/// <summary>The optimistic-concurrency retry budget ran out, or UNCHANGEDSINCE failed; the caller may retry.</summary>
public sealed class MailboxConflictException(string message) : Exception(message);
