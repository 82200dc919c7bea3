using System.Globalization;
using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Core.Blobs;
using CloudMail.Storage.Azure.Tables;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.Mailboxes;

/// <summary>Records reclaim candidates for blobs (write-ahead of a removal); see <see cref="AzureMessageReferences"/>.</summary>
internal delegate Task CandidateRecorder(IEnumerable<string> blobIds, CancellationToken cancellationToken);

/// <summary>
/// <see cref="IMessageReferences"/> on Table storage, designed around the absence of cross-partition transactions: the
/// copies of one message live in the partitions of every account it went to, so no single read or write covers them.
/// <list type="bullet">
/// <item><see cref="AzureResourceNames.Tables.BlobHolders"/>: partition = blob id, one row per account the blob was ever
/// appended to, upserted by <see cref="AzureMailboxIndex.AppendAsync(string, string, MessageToAppend, string?, CancellationToken)"/> <em>before</em> the append (COPY stays in its
/// account and needs none). This is the list of partitions to look in; rows are dropped only once the blob is deleted.</item>
/// <item><see cref="AzureResourceNames.Tables.ReclaimCandidates"/>: partition = the UTC hour a candidate is due
/// (<c>yyyyMMddHH</c>), row = blob id, upserted by expunge and mailbox/account deletion <em>before</em> their own
/// transactions; listing reads the partitions up to the current hour in key order, like the intake outbox. A
/// candidate's version is its ETag.</item>
/// </list>
/// <see cref="IsReferencedAsync"/> asks each holder account: it lists the account's mailbox rows, queries its message
/// rows that name the blob, and lists the mailbox rows again; every change to a mailbox's messages (append, COPY,
/// expunge, RENAME of INBOX, DELETE) replaces or deletes that mailbox's row in the same transaction, so equal ETags
/// before and after mean the query saw one consistent state of the account; otherwise it tries again (up to
/// <see cref="AzureStorageOptions.MaxConcurrencyAttempts"/>, then <see cref="MailboxConflictException"/>). Rows left
/// behind by a deleted mailbox do not count. A blob with no holder rows at all was stored before holders were kept,
/// so its references are unknown: it counts as referenced and is never reclaimed.
/// </summary>
public sealed class AzureMessageReferences : IMessageReferences
{
    private const string AccountColumn = "Account";
    private const string BlobIdColumn = "BlobId";
    private const string DueColumn = "DueTicks";

    private readonly TableClient _holders;
    private readonly TableClient _candidates;
    private readonly TableClient _mailboxIndex;
    private readonly OptimisticRetry _retry;

    public AzureMessageReferences(TableClient holders, TableClient candidates, TableClient mailboxIndex, AzureStorageOptions options,
        ILogger<AzureMessageReferences> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _holders = holders;
        _candidates = candidates;
        _mailboxIndex = mailboxIndex;
        _retry = new OptimisticRetry(options.MaxConcurrencyAttempts, logger);
    }

    /// <summary>Notes that <paramref name="account"/> is about to refer to <paramref name="blobId"/> (idempotent).</summary>
    internal Task AddHolderAsync(string blobId, string account, CancellationToken cancellationToken)
    {
        string normalized = MailAddresses.Normalize(account);
        var row = new TableEntity(TableKeys.Escape(blobId), IndexRows.Partition(normalized)) { [AccountColumn] = normalized };
        return _holders.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// Replaces every holder row of <paramref name="account"/> (found by a scan of the table for its row key: an admin
    /// operation; it includes blobs the account expunged long ago) by a row of <see cref="IndexRows.ErasedAccounts"/>, which
    /// holds no messages and so never counts as a reference: the erased address leaves this table, and a blob never loses its
    /// last holder row, which would make its references unknown and the blob never reclaimed.
    /// </summary>
    internal async Task HandOverToErasedAsync(string account, CancellationToken cancellationToken)
    {
        string own = IndexRows.Partition(MailAddresses.Normalize(account));
        var held = new List<TableEntity>();
        await foreach (TableEntity row in _holders.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {own}"),
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            held.Add(row);
        }
        foreach (TableEntity row in held)
        {
            await _holders.UpsertEntityAsync(new TableEntity(row.PartitionKey, IndexRows.ErasedAccounts) { [AccountColumn] = IndexRows.ErasedAccounts },
                TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            await _holders.DeleteEntityAsync(row.PartitionKey, own, ETag.All, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records <paramref name="blobIds"/> due at <paramref name="dueAt"/>: one transaction per 100 (one partition).</summary>
    internal async Task AddCandidatesAsync(IEnumerable<string> blobIds, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        string partition = Hour(dueAt);
        foreach (string[] chunk in blobIds.Distinct(StringComparer.Ordinal).Chunk(TableBatches.MaxActions))
        {
            await _candidates.SubmitAsync([.. chunk.Select(blobId => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(partition, TableKeys.Escape(blobId)) { [BlobIdColumn] = blobId, [DueColumn] = StoredTime.ToTicks(dueAt) }))],
                cancellationToken).ConfigureAwait(false);
        }
    }

    public Task AddCandidateAsync(string blobId, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        return AddCandidatesAsync([blobId], dueAt, cancellationToken);
    }

    public async Task<IReadOnlyList<ReclaimCandidate>> ListDueCandidatesAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        string filter = TableClient.CreateQueryFilter($"PartitionKey le {Hour(now)} and DueTicks le {StoredTime.ToTicks(now)}");
        var due = new List<ReclaimCandidate>();
        await foreach (TableEntity row in _candidates.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            due.Add(new ReclaimCandidate(row.GetString(BlobIdColumn), StoredTime.FromTicks(row.GetInt64(DueColumn) ?? 0), row.ETag.ToString()));
            if (due.Count == max) break;
        }
        due.Sort((a, b) => a.DueAt.CompareTo(b.DueAt));
        return due;
    }

    public async Task RemoveCandidateAsync(ReclaimCandidate candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        try
        {
            await _candidates.DeleteEntityAsync(Hour(candidate.DueAt), TableKeys.Escape(candidate.BlobId), new ETag(candidate.Version), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is TableErrors.NotFound or TableErrors.PreconditionFailed)
        {
            // Gone already, or recorded again meanwhile: the newer record must stay.
        }
    }

    public async Task<bool> IsReferencedAsync(string blobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        List<TableEntity> holders = await HoldersAsync(blobId, cancellationToken).ConfigureAwait(false);
        if (holders.Count == 0) return true; // Stored before holders were kept: where it went is unknown.
        foreach (TableEntity holder in holders)
        {
            if (await AccountRefersToAsync(holder.GetString(AccountColumn), blobId, cancellationToken).ConfigureAwait(false)) return true;
        }
        return false;
    }

    public async Task ForgetAsync(string blobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        await _holders.DeleteRowsAsync(await HoldersAsync(blobId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Partition of a candidate due at <paramref name="at"/>: its UTC hour, <c>yyyyMMddHH</c>.</summary>
    public static string Hour(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    private async Task<List<TableEntity>> HoldersAsync(string blobId, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (TableEntity row in _holders.QueryAsync<TableEntity>(TableQueries.Partition(TableKeys.Escape(blobId)), cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Whether a live mailbox of <paramref name="account"/> has a message on <paramref name="blobId"/>, read consistently (see the class).</summary>
    private Task<bool> AccountRefersToAsync(string account, string blobId, CancellationToken cancellationToken)
    {
        var partition = new MailboxPartition(_mailboxIndex, account, _retry);
        return partition.RetryAsync("ReadBlobReferences", async ct =>
        {
            List<MailboxRow> before = await partition.ListAsync(ct).ConfigureAwait(false);
            List<KeyOnlyRow> messages = await partition.MessageKeysWithBlobAsync(blobId, ct).ConfigureAwait(false);
            List<MailboxRow> after = await partition.ListAsync(ct).ConfigureAwait(false);
            if (!before.Select(Version).SequenceEqual(after.Select(Version))) throw new ConcurrencyConflict("a mailbox changed during the read");
            var live = before.Select(m => m.MailboxId).ToHashSet();
            return messages.Exists(m => live.Contains(IndexRows.MailboxIdOfMessage(m.RowKey)));
        }, cancellationToken);
    }

    private static (string RowKey, ETag ETag) Version(MailboxRow row) => (row.RowKey, row.ETag);
}
