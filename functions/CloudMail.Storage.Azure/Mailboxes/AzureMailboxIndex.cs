using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Core.Blobs;
using CloudMail.Storage.Azure.Tables;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.Mailboxes;

/// <summary>
/// <see cref="IMailboxIndex"/> on the <see cref="AzureResourceNames.Tables.MailboxIndex"/> table, one partition
/// per account (layout and invariants: <see cref="IndexRows"/>). Every change is an entity-group transaction
/// inside that partition; UID/MODSEQ allocation replaces the mailbox row conditioned on its ETag, and a
/// writer that loses the race re-reads and tries again (at most <see cref="AzureStorageOptions.MaxConcurrencyAttempts"/>
/// times, then <see cref="MailboxConflictException"/>). Writers in this process are additionally serialized per
/// account, so ETag races only happen between processes. Operations on more rows than one transaction holds
/// (STORE/EXPUNGE/COPY of more than 99 or 49 messages, RENAME of more than 50 mailboxes, renaming a big
/// INBOX) commit in chunks: each chunk is atomic and each message is handled once, the whole is not atomic.
/// Accounts are lower-cased; "INBOX" is matched case-insensitively, other names exactly. Appends first note the
/// account as a holder of the blob, and removals first record their blobs as reclaim candidates, both in
/// <see cref="AzureMessageReferences"/> (other tables, written before the index transaction).
/// </summary>
public sealed class AzureMailboxIndex : IMailboxIndex
{
    private readonly TableClient _table;
    private readonly AzureMessageReferences _references;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OptimisticRetry _retry;
    private readonly KeyedGate _writers = new();
    private readonly MailboxPruneSchedule _pruning;

    /// <param name="retention">Expunge-log and append-key retention (<see cref="MailboxPruneSchedule"/>); defaults when null.</param>
    public AzureMailboxIndex(TableClient table, AzureMessageReferences references, AzureStorageOptions options, TimeProvider time,
        ILogger<AzureMailboxIndex> logger, MailboxIndexOptions? retention = null)
    {
        _pruning = new MailboxPruneSchedule(retention ?? new MailboxIndexOptions(), time);
        _table = table;
        _references = references;
        _time = time;
        _logger = logger;
        _retry = new OptimisticRetry(options.MaxConcurrencyAttempts, logger);
    }

    public Task EnsureDefaultMailboxesAsync(string account, CancellationToken cancellationToken) =>
        WriteAsync(account, (p, ct) => MailboxCreation.EnsureDefaultsAsync(p, _time.GetUtcNow(), ct), cancellationToken);

    public Task<MailboxInfo> CreateMailboxAsync(string account, string name, SpecialUse specialUse, CancellationToken cancellationToken)
    {
        string mailbox = MailboxName(name);
        return WriteAsync(account, (p, ct) => MailboxCreation.CreateAsync(p, mailbox, specialUse, _time.GetUtcNow(), ct), cancellationToken);
    }

    public Task DeleteMailboxAsync(string account, string name, CancellationToken cancellationToken)
    {
        string mailbox = MailboxName(name);
        return WriteAsync(account, (p, ct) => MailboxRemoval.DeleteAsync(p, mailbox, RecordCandidatesAsync, _logger, ct), cancellationToken);
    }

    public Task RenameMailboxAsync(string account, string oldName, string newName, CancellationToken cancellationToken)
    {
        string from = MailboxName(oldName);
        string to = MailboxName(newName);
        return WriteAsync(account, (p, ct) => MailboxRenames.RenameAsync(p, from, to, _time.GetUtcNow(), ct), cancellationToken);
    }

    /// <summary>Sorted by name (ordinal).</summary>
    public async Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(string account, CancellationToken cancellationToken)
    {
        List<MailboxRow> rows = await Partition(account).ListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToInfo()).OrderBy(m => m.Name, StringComparer.Ordinal)];
    }

    public async Task<MailboxInfo?> GetMailboxAsync(string account, string name, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(name) ? null // no mailbox has an empty name
            : (await Partition(account).FindAsync(MailboxName(name), cancellationToken).ConfigureAwait(false))?.ToInfo();

    /// <summary>Names need not exist (RFC 9051 §6.3.7). Idempotent both ways.</summary>
    public async Task SetSubscribedAsync(string account, string name, bool subscribed, CancellationToken cancellationToken)
    {
        MailboxPartition partition = Partition(account);
        string mailbox = MailboxName(name);
        if (subscribed)
        {
            await partition.UpsertAsync(new SubscriptionRow { PartitionKey = partition.Key, RowKey = IndexRows.Subscription(mailbox), Name = mailbox },
                cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await partition.DeleteAsync(IndexRows.Subscription(mailbox), ETag.All, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sorted (ordinal).</summary>
    public async Task<IReadOnlyList<string>> ListSubscriptionsAsync(string account, CancellationToken cancellationToken)
    {
        List<SubscriptionRow> rows = await Partition(account).SubscriptionsAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => r.Name).Order(StringComparer.Ordinal)];
    }

    public Task<AppendResult> AppendAsync(string account, string mailbox, BlobRef blob, DateTimeOffset internalDate,
        MessageFlags flags, IReadOnlyList<string> keywords, string? idempotencyKey, CancellationToken cancellationToken) =>
        AppendAsync(account, mailbox, new MessageToAppend(blob, internalDate, flags, keywords), idempotencyKey, cancellationToken);

    /// <summary>Notes the account as a holder of the blob (<see cref="AzureMessageReferences"/>) before appending.</summary>
    public async Task<AppendResult> AppendAsync(string account, string mailbox, MessageToAppend message, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message?.Blob);
        if (idempotencyKey is not null) ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        var request = new AppendRequest(MailboxName(mailbox), message.Blob, message.InternalDate, FlagMath.Clean(message.Flags),
            KeywordList.Normalize(message.Keywords), idempotencyKey, _time.GetUtcNow(), message.Structure);
        MailboxPartition partition = Partition(account);
        await _references.AddHolderAsync(message.Blob.Id, partition.Account, cancellationToken).ConfigureAwait(false);
        return await WriteAsync(account, async (p, ct) =>
        {
            if (idempotencyKey is not null) await PruneIfDueAsync(p, ct).ConfigureAwait(false);
            return await MessageAppends.AppendAsync(p, request, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Notes the account as a holder of every blob, then adds all messages in one transaction.</summary>
    public async Task<IReadOnlyList<AppendResult>> AppendAllAsync(string account, string mailbox, IReadOnlyList<MessageToAppend> messages,
        CancellationToken cancellationToken)
    {
        MessageToAppend.ThrowIfInvalid(messages);
        string name = MailboxName(mailbox);
        DateTimeOffset now = _time.GetUtcNow();
        List<MessageRecord> records = [.. messages.Select(m =>
            new MessageRecord(0, m.Blob, m.InternalDate, FlagMath.Clean(m.Flags), KeywordList.Normalize(m.Keywords), 0, now, m.Structure))];
        MailboxPartition partition = Partition(account);
        foreach (MessageToAppend message in messages)
            await _references.AddHolderAsync(message.Blob.Id, partition.Account, cancellationToken).ConfigureAwait(false);
        return await WriteAsync(account, (p, ct) => MessageAppends.AppendAllAsync(p, name, records, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Merges of each message row's Structure property alone: no MODSEQ, no ETag condition, a vanished row ignored. One
    /// request per message (not a transaction: one expunged row would fail all of it).
    /// </summary>
    public async Task SetStructuresAsync(string account, string mailbox, IReadOnlyList<KeyValuePair<uint, string>> structures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(structures);
        if (structures.Count == 0) return;
        MailboxPartition partition = Partition(account);
        if (await partition.FindAsync(MailboxName(mailbox), cancellationToken).ConfigureAwait(false) is not { } box) return;
        foreach (var (uid, structure) in structures)
            await partition.SetStructureAsync(box.MailboxId, uid, structure, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ascending UID.</summary>
    public async Task<IReadOnlyList<MessageRecord>> GetMessagesAsync(string account, string mailbox, CancellationToken cancellationToken)
    {
        MailboxPartition partition = Partition(account);
        MailboxRow box = await partition.RequireAsync(MailboxName(mailbox), cancellationToken).ConfigureAwait(false);
        List<MessageRow> rows = await partition.ListedMessagesAsync(box.MailboxId, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => r.ToRecord());
    }

    /// <summary>One query that does not read the hash column (<see cref="MessageRow.ViewedColumns"/>).</summary>
    public async Task<IReadOnlyList<MessageRecord>> ListForViewAsync(string account, string mailbox, CancellationToken cancellationToken)
    {
        MailboxPartition partition = Partition(account);
        MailboxRow box = await partition.RequireAsync(MailboxName(mailbox), cancellationToken).ConfigureAwait(false);
        List<MessageRow> rows = await partition.ListedMessagesAsync(box.MailboxId, cancellationToken, MessageRow.ViewedColumns).ConfigureAwait(false);
        return rows.ConvertAll(r => r.ToRecord());
    }

    /// <summary>Range queries over the message rows, structure columns only (<see cref="MailboxPartition.StructuresAsync"/>).</summary>
    public async Task<IReadOnlyList<KeptStructure>> GetStructuresAsync(string account, string mailbox, IReadOnlyCollection<uint> uids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        if (uids.Count == 0) return [];
        MailboxPartition partition = Partition(account);
        if (await partition.FindAsync(MailboxName(mailbox), cancellationToken).ConfigureAwait(false) is not { } box) return [];
        return await partition.StructuresAsync(box.MailboxId, uids, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the mailbox row first, so the HIGHESTMODSEQ returned is never above a change that the lists miss
    /// (a change racing this read may show up now and again next time, never not at all). Two range queries over the
    /// change index and the expunge log (<see cref="IndexRows"/>), each reading only rows above <paramref name="sinceModSeq"/>.
    /// </summary>
    public async Task<MailboxChanges> GetChangesSinceAsync(string account, string mailbox, ulong sinceModSeq, CancellationToken cancellationToken)
    {
        MailboxPartition partition = Partition(account);
        MailboxRow box = await partition.RequireAsync(MailboxName(mailbox), cancellationToken).ConfigureAwait(false);
        return await MailboxPruning.ChangesSinceAsync(partition, box, sinceModSeq, cancellationToken).ConfigureAwait(false);
    }

    public Task<FlagUpdateResult> UpdateFlagsAsync(string account, string mailbox, IReadOnlyCollection<uint> uids,
        FlagUpdate update, ulong? unchangedSince, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        ArgumentNullException.ThrowIfNull(update);
        string name = MailboxName(mailbox);
        IReadOnlyList<string> keywords = KeywordList.Normalize(update.Keywords);
        return WriteAsync(account, (p, ct) => MessageChanges.UpdateFlagsAsync(p, name, uids, update, keywords, unchangedSince, ct), cancellationToken);
    }

    public Task<IReadOnlyList<uint>> ExpungeAsync(string account, string mailbox, IReadOnlyCollection<uint> uids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        string name = MailboxName(mailbox);
        return WriteAsync(account, async (p, ct) =>
        {
            await PruneIfDueAsync(p, ct).ConfigureAwait(false);
            return await MessageChanges.ExpungeAsync(p, name, uids, RecordCandidatesAsync, ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<CopyResult> CopyAsync(string account, string source, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        string from = MailboxName(source);
        string to = MailboxName(destination);
        return WriteAsync(account, (p, ct) => MessageAppends.CopyAsync(p, from, uids, to, _time.GetUtcNow(), ct), cancellationToken);
    }

    /// <summary>From the mailbox rows' counters (one partition query over mailbox rows, no message scan).</summary>
    public async Task<QuotaUsage> GetQuotaUsageAsync(string account, CancellationToken cancellationToken)
    {
        List<MailboxRow> rows = await Partition(account).ListAsync(cancellationToken).ConfigureAwait(false);
        return new QuotaUsage(rows.Sum(r => r.Size), rows.Sum(r => (long)r.Messages));
    }

    /// <summary>Erases the account's partition and its blob holder rows (<see cref="MailboxRemoval.DeleteAccountDataAsync"/>).</summary>
    public Task DeleteAccountDataAsync(string account, CancellationToken cancellationToken) =>
        WriteAsync(account, (p, ct) => MailboxRemoval.DeleteAccountDataAsync(p, RecordCandidatesAsync, _references, _logger, ct), cancellationToken);

    public Task<PruneResult> PruneAsync(string account, PruneCutoffs cutoffs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cutoffs);
        return WriteAsync(account, (p, ct) => MailboxPruning.PruneAsync(p, cutoffs, ct), cancellationToken);
    }

    /// <summary>Prunes the account first when due; a failed prune fails the write (the caller retries) and is due again.</summary>
    private async Task PruneIfDueAsync(MailboxPartition partition, CancellationToken cancellationToken)
    {
        if (_pruning.TakeDue(partition.Key) is not { } cutoffs) return;
        try
        {
            await MailboxPruning.PruneAsync(partition, cutoffs, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _pruning.Forget(partition.Key);
            throw;
        }
    }

    /// <summary>Reclaim candidates for blobs about to lose a reference, due now.</summary>
    private Task RecordCandidatesAsync(IEnumerable<string> blobIds, CancellationToken cancellationToken) =>
        _references.AddCandidatesAsync(blobIds, _time.GetUtcNow(), cancellationToken);

    private MailboxPartition Partition(string account)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        return new MailboxPartition(_table, MailAddresses.Normalize(account), _retry);
    }

    private async Task<T> WriteAsync<T>(string account, Func<MailboxPartition, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        MailboxPartition partition = Partition(account);
        using (await _writers.EnterAsync(partition.Key, cancellationToken).ConfigureAwait(false))
        {
            return await write(partition, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task WriteAsync(string account, Func<MailboxPartition, CancellationToken, Task> write, CancellationToken cancellationToken) =>
        WriteAsync<bool>(account, async (p, ct) =>
        {
            await write(p, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static string MailboxName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return DefaultMailboxes.Canonical(name);
    }
}
