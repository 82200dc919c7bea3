using CloudMail.Core.Blobs;

namespace CloudMail.Core.Mailboxes;

/// <summary>
/// Per-account mailboxes and the messages in them: UIDs, flags, MODSEQ, expunge log, subscriptions and
/// quota usage. The body stays in <see cref="IMessageBlobStore"/>; the index only holds references.
/// Every operation touches one account's mailboxes only (one partition on Azure); UID/MODSEQ allocation
/// uses optimistic concurrency. Embedded: SQLite (WAL). Azure: Table storage.
/// Mailbox names are full '/'-delimited paths; "INBOX" is matched case-insensitively.
/// </summary>
public interface IMailboxIndex
{
    /// <summary>Creates the default mailboxes (INBOX, Sent, Drafts, Trash, Junk) for an account. Idempotent.</summary>
    Task EnsureDefaultMailboxesAsync(string account, CancellationToken cancellationToken);

    /// <summary>Creates a mailbox. Throws <see cref="MailboxExistsException"/> if it exists.</summary>
    Task<MailboxInfo> CreateMailboxAsync(string account, string name, SpecialUse specialUse, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a mailbox and its messages' index entries (their blobs become reclaim candidates, as in
    /// <see cref="ExpungeAsync"/>). Throws <see cref="MailboxNotFoundException"/> when absent and
    /// <see cref="InvalidOperationException"/> for INBOX.
    /// </summary>
    Task DeleteMailboxAsync(string account, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Renames a mailbox and its children. Renaming INBOX moves its messages to a new mailbox and leaves
    /// INBOX empty (RFC 9051 §6.3.6). Throws <see cref="MailboxNotFoundException"/> or <see cref="MailboxExistsException"/>.
    /// </summary>
    Task RenameMailboxAsync(string account, string oldName, string newName, CancellationToken cancellationToken);

    /// <summary>All mailboxes of the account, sorted by name.</summary>
    Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(string account, CancellationToken cancellationToken);

    /// <summary>One mailbox's state, or null when it does not exist (an empty name, which a client may send, names none).</summary>
    Task<MailboxInfo?> GetMailboxAsync(string account, string name, CancellationToken cancellationToken);

    /// <summary>Adds or removes a subscription (names need not exist, RFC 9051 §6.3.7).</summary>
    Task SetSubscribedAsync(string account, string name, bool subscribed, CancellationToken cancellationToken);

    /// <summary>Subscribed names, sorted.</summary>
    Task<IReadOnlyList<string>> ListSubscriptionsAsync(string account, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a message, assigning the next UID and a new MODSEQ. When <paramref name="idempotencyKey"/>
    /// is non-null and was already used in this account, nothing is added and the earlier result is
    /// returned with <see cref="AppendResult.AlreadyPresent"/> set (a redelivered job appends once).
    /// Throws <see cref="MailboxNotFoundException"/>.
    /// </summary>
    Task<AppendResult> AppendAsync(string account, string mailbox, BlobRef blob, DateTimeOffset internalDate,
        MessageFlags flags, IReadOnlyList<string> keywords, string? idempotencyKey, CancellationToken cancellationToken) =>
        AppendAsync(account, mailbox, new MessageToAppend(blob, internalDate, flags, keywords), idempotencyKey, cancellationToken);

    /// <summary>
    /// <see cref="AppendAsync(string, string, BlobRef, DateTimeOffset, MessageFlags, IReadOnlyList{string}, string?, CancellationToken)"/>
    /// with the message's structure (<see cref="MessageToAppend.Structure"/>) kept in the same write.
    /// </summary>
    Task<AppendResult> AppendAsync(string account, string mailbox, MessageToAppend message, string? idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps each structure (<see cref="MessageRecord.Structure"/>) of <paramref name="structures"/> (UID to value) for its message,
    /// written back by a reader that had to parse the blob. Not a change: MODSEQ and HIGHESTMODSEQ stay. A missing mailbox or
    /// message is ignored (it was expunged meanwhile).
    /// </summary>
    Task SetStructuresAsync(string account, string mailbox, IReadOnlyList<KeyValuePair<uint, string>> structures, CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="messages"/> (1 to <see cref="MessageToAppend.MaxPerAtomicAppend"/>) as one change: all
    /// are added, with ascending UIDs and MODSEQs in the given order, or none is (IMAP MULTIAPPEND, RFC 3502 §6.3.11).
    /// Returns one result per message, in order. Throws <see cref="MailboxNotFoundException"/>, and
    /// <see cref="ArgumentException"/> for an empty or too long list.
    /// </summary>
    Task<IReadOnlyList<AppendResult>> AppendAllAsync(string account, string mailbox, IReadOnlyList<MessageToAppend> messages,
        CancellationToken cancellationToken);

    /// <summary>
    /// All messages of a mailbox in ascending UID order, without their structures (<see cref="MessageRecord.Structure"/> is
    /// null: an IMAP session holds these records while the mailbox is selected, and a structure is several times the size of
    /// the rest of a record; read them with <see cref="GetStructuresAsync"/> when a command needs them). Throws
    /// <see cref="MailboxNotFoundException"/>.
    /// </summary>
    Task<IReadOnlyList<MessageRecord>> GetMessagesAsync(string account, string mailbox, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="GetMessagesAsync"/>, for a client's view of the mailbox (an IMAP SELECT, a POP3 maildrop): the records
    /// also leave out their blob's hash (<see cref="Blobs.BlobRef.Sha256"/> is empty), which no command reads and which is
    /// 152 of the 400 bytes a view holds per message. An index that can leave the hash unread overrides this; the default
    /// lists with <see cref="GetMessagesAsync"/> and drops it.
    /// </summary>
    async Task<IReadOnlyList<MessageRecord>> ListForViewAsync(string account, string mailbox, CancellationToken cancellationToken) =>
        [.. (await GetMessagesAsync(account, mailbox, cancellationToken).ConfigureAwait(false)).Select(m => m.Blob.Sha256.Length == 0 ? m : m with { Blob = m.Blob with { Sha256 = "" } })];

    /// <summary>
    /// The structures kept (<see cref="MessageRecord.Structure"/>) for those of <paramref name="uids"/> that have one, each
    /// with its message's blob id, in no particular order: messages without a kept structure and UIDs not in the mailbox are
    /// absent, and a missing mailbox gives none. A reader checks the blob id against the record it holds (a mailbox deleted
    /// and created again under the same name reuses UIDs for other messages).
    /// </summary>
    Task<IReadOnlyList<KeptStructure>> GetStructuresAsync(string account, string mailbox, IReadOnlyCollection<uint> uids, CancellationToken cancellationToken);

    /// <summary>
    /// Messages changed (added or flags changed) with MODSEQ &gt; <paramref name="sinceModSeq"/>, and UIDs
    /// expunged after it; the work is proportional to the changes, not to the mailbox (an index by MODSEQ). When
    /// <paramref name="sinceModSeq"/> is below what the pruned expunge log remembers, every message is returned with
    /// <see cref="MailboxChanges.Complete"/> false. The records carry no structures, as with <see cref="GetMessagesAsync"/>.
    /// Throws <see cref="MailboxNotFoundException"/>.
    /// </summary>
    Task<MailboxChanges> GetChangesSinceAsync(string account, string mailbox, ulong sinceModSeq, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="update"/> to the given UIDs (unknown UIDs are ignored). Each message whose
    /// flags actually change gets a new MODSEQ. With <paramref name="unchangedSince"/> (RFC 7162 §3.1.3),
    /// messages whose MODSEQ is greater are left alone and reported in <see cref="FlagUpdateResult.Failed"/>.
    /// </summary>
    Task<FlagUpdateResult> UpdateFlagsAsync(string account, string mailbox, IReadOnlyCollection<uint> uids,
        FlagUpdate update, ulong? unchangedSince, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the given UIDs from the mailbox and records them in the expunge log with a new MODSEQ.
    /// Returns the UIDs actually removed, ascending. Blobs are not deleted here: their ids become reclaim candidates
    /// (<see cref="IMessageReferences"/>), recorded no later than the removal, for <see cref="MessageReclaimer"/>.
    /// </summary>
    Task<IReadOnlyList<uint>> ExpungeAsync(string account, string mailbox, IReadOnlyCollection<uint> uids, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="ExpungeAsync"/>, with the mailbox's HIGHESTMODSEQ just before and after the removal when the index can
    /// read them in the same transaction (<see cref="ExpungeResult.ModSeqs"/>; null otherwise, as this default gives).
    /// </summary>
    async Task<ExpungeResult> ExpungeWithModSeqsAsync(string account, string mailbox, IReadOnlyCollection<uint> uids, CancellationToken cancellationToken) =>
        new(await ExpungeAsync(account, mailbox, uids, cancellationToken).ConfigureAwait(false), null);

    /// <summary>
    /// Copies messages (same blob, flags and keywords, new UIDs) into <paramref name="destination"/>.
    /// Throws <see cref="MailboxNotFoundException"/> for either mailbox.
    /// </summary>
    Task<CopyResult> CopyAsync(string account, string source, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellationToken);

    /// <summary>Bytes and messages stored across all the account's mailboxes.</summary>
    Task<QuotaUsage> GetQuotaUsageAsync(string account, CancellationToken cancellationToken);

    /// <summary>
    /// Removes every mailbox, message entry, expunge-log entry, subscription and append key of the account (blobs become
    /// reclaim candidates, as in <see cref="ExpungeAsync"/>). Only the last UIDVALIDITY handed out stays (a number, no
    /// personal data), so a recreated account never reuses one.
    /// </summary>
    Task DeleteAccountDataAsync(string account, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets the account's expunge-log entries recorded before <see cref="PruneCutoffs.ExpungedBefore"/> (raising each
    /// mailbox's watermark, so that <see cref="GetChangesSinceAsync"/> from below it answers with
    /// <see cref="MailboxChanges.Complete"/> false) and its append idempotency keys recorded before
    /// <see cref="PruneCutoffs.AppendKeysBefore"/>. Indexes also call it themselves (<see cref="MailboxPruneSchedule"/>).
    /// </summary>
    Task<PruneResult> PruneAsync(string account, PruneCutoffs cutoffs, CancellationToken cancellationToken);
}

/// <summary>Outcome of an expunge.</summary>
/// <param name="Removed">The UIDs removed, ascending.</param>
/// <param name="ModSeqs">
/// The mailbox's HIGHESTMODSEQ just before and just after the removal (as <see cref="FlagUpdateResult.ModSeqs"/>), or null.
/// </param>
public sealed record ExpungeResult(IReadOnlyList<uint> Removed, (ulong Before, ulong After)? ModSeqs);

/// <summary>Outcome of a flag update.</summary>
/// <param name="Updated">Messages after the update (only those that exist), with their new MODSEQ.</param>
/// <param name="Failed">UIDs that failed the UNCHANGEDSINCE test (RFC 7162 MODIFIED response code).</param>
public sealed record FlagUpdateResult(IReadOnlyList<MessageRecord> Updated, IReadOnlyList<uint> Failed)
{
    /// <summary>
    /// The mailbox's HIGHESTMODSEQ just before and just after the update, read in the transaction that made it, when the
    /// index can tell (null otherwise). Every MODSEQ in between is this update's, so a view that had merged every change
    /// up to <c>Before</c> and applies <see cref="Updated"/> is current up to <c>After</c> without reading the index again.
    /// </summary>
    public (ulong Before, ulong After)? ModSeqs { get; init; }
}
