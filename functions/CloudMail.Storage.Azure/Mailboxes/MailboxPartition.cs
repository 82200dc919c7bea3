using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Mailboxes;

/// <summary>
/// Reads and transactional writes of one account's partition of the mailbox index (layout: <see cref="IndexRows"/>),
/// plus the optimistic retry every read-modify-write attempt runs in.
/// </summary>
internal sealed class MailboxPartition(TableClient table, string account, OptimisticRetry retry)
{
    /// <summary>HIGHESTMODSEQ of a new, empty mailbox (MODSEQ values are positive, RFC 7162 §3.1.1).</summary>
    public const long InitialModSeq = 1;

    public string Account { get; } = account;

    public string Key { get; } = IndexRows.Partition(account);

    /// <summary>
    /// Runs <paramref name="attempt"/> until it commits without losing a race (it must re-read what it changes);
    /// throws <see cref="MailboxConflictException"/> when the retry budget runs out.
    /// </summary>
    public Task<T> RetryAsync<T>(string operation, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken) =>
        retry.RunAsync(operation, Account, attempt, message => new MailboxConflictException(message), cancellationToken);

    public async Task<MailboxRow?> FindAsync(string name, CancellationToken cancellationToken)
    {
        NullableResponse<MailboxRow> row = await table.GetEntityIfExistsAsync<MailboxRow>(Key, IndexRows.Mailbox(name), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Merges <paramref name="structure"/> into the message row (see <see cref="MessageRow.Structure"/>); a missing row is left missing.</summary>
    public async Task SetStructureAsync(long mailboxId, uint uid, string structure, CancellationToken cancellationToken)
    {
        var row = new TableEntity(Key, IndexRows.Message(mailboxId, uid)) { [nameof(MessageRow.Structure)] = structure };
        try
        {
            await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == TableErrors.NotFound)
        {
            // expunged meanwhile: nothing to keep
        }
    }

    /// <summary>The mailbox, or <see cref="MailboxNotFoundException"/>.</summary>
    public async Task<MailboxRow> RequireAsync(string name, CancellationToken cancellationToken) =>
        await FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw new MailboxNotFoundException(name);

    /// <summary>Every mailbox of the account, in row-key order.</summary>
    public Task<List<MailboxRow>> ListAsync(CancellationToken cancellationToken) =>
        QueryAsync<MailboxRow>(TableQueries.RowPrefix(Key, IndexRows.MailboxPrefix), cancellationToken);

    /// <summary>
    /// Mailboxes strictly below <paramref name="name"/> ("name/…"): a range query over the plainly keyed rows, and
    /// the rows keyed by a hash (names too long for a key: few, and outside any name range) filtered by name.
    /// </summary>
    public async Task<List<MailboxRow>> ChildrenAsync(string name, CancellationToken cancellationToken)
    {
        string below = name + DefaultMailboxes.Delimiter;
        List<MailboxRow> children = IndexRows.MailboxChildren(name) is { } prefix
            ? await QueryAsync<MailboxRow>(TableQueries.RowPrefix(Key, prefix), cancellationToken).ConfigureAwait(false)
            : [];
        List<MailboxRow> hashed = await QueryAsync<MailboxRow>(TableQueries.RowPrefix(Key, IndexRows.HashedMailboxPrefix), cancellationToken)
            .ConfigureAwait(false);
        children.AddRange(hashed.Where(r => r.Name.StartsWith(below, StringComparison.Ordinal)));
        return children;
    }

    /// <summary>All messages of a mailbox, ascending UID.</summary>
    public Task<List<MessageRow>> MessagesAsync(long mailboxId, CancellationToken cancellationToken) =>
        QueryAsync<MessageRow>(TableQueries.RowPrefix(Key, IndexRows.MessagePrefix(mailboxId)), cancellationToken);

    /// <summary>All messages of a mailbox without their structures (<see cref="MessageRow.ListedColumns"/>), ascending UID.</summary>
    public Task<List<MessageRow>> ListedMessagesAsync(long mailboxId, CancellationToken cancellationToken, IReadOnlyList<string>? columns = null) =>
        QueryAsync<MessageRow>(TableQueries.RowPrefix(Key, IndexRows.MessagePrefix(mailboxId)), cancellationToken, columns ?? MessageRow.ListedColumns);

    /// <summary>
    /// The kept structures of the messages among <paramref name="uids"/> that have one: one range query per run of UIDs
    /// less than <see cref="StructureRunGap"/> apart, reading <see cref="MessageRow.StructureColumns"/> only.
    /// </summary>
    public async Task<List<KeptStructure>> StructuresAsync(long mailboxId, IReadOnlyCollection<uint> uids, CancellationToken cancellationToken)
    {
        var kept = new List<KeptStructure>();
        var wanted = uids.ToHashSet();
        uint[] sorted = [.. wanted.Order()];
        for (int start = 0; start < sorted.Length;)
        {
            int end = start;
            while (end + 1 < sorted.Length && sorted[end + 1] - sorted[end] < StructureRunGap) end++;
            string filter = TableQueries.RowRange(Key, IndexRows.Message(mailboxId, sorted[start]), IndexRows.Message(mailboxId, sorted[end]));
            foreach (MessageRow row in await QueryAsync<MessageRow>(filter, cancellationToken, MessageRow.StructureColumns).ConfigureAwait(false))
            {
                if (row.Structure is { } value && wanted.Contains((uint)row.Uid)) kept.Add(new KeptStructure((uint)row.Uid, row.BlobId, value));
            }
            start = end + 1;
        }
        return kept;
    }

    /// <summary>UIDs this far apart or more are read by separate range queries (rows between them would be read for nothing).</summary>
    private const uint StructureRunGap = 64;

    /// <summary>The existing messages among <paramref name="uids"/>, ascending UID (one range query).</summary>
    public async Task<List<MessageRow>> MessagesAsync(long mailboxId, IReadOnlyCollection<uint> uids, CancellationToken cancellationToken)
    {
        if (uids.Count == 0) return [];
        var wanted = uids as IReadOnlySet<uint> ?? uids.ToHashSet();
        string filter = TableQueries.RowRange(Key, IndexRows.Message(mailboxId, wanted.Min()), IndexRows.Message(mailboxId, wanted.Max()));
        List<MessageRow> rows = await QueryAsync<MessageRow>(filter, cancellationToken).ConfigureAwait(false);
        rows.RemoveAll(r => !wanted.Contains((uint)r.Uid));
        return rows;
    }

    /// <summary>Up to <paramref name="max"/> messages with UID below <paramref name="uidBelow"/>, ascending UID.</summary>
    public async Task<List<MessageRow>> FirstMessagesAsync(long mailboxId, uint uidBelow, int max, CancellationToken cancellationToken)
    {
        if (uidBelow <= 1) return [];
        string filter = TableQueries.RowRange(Key, IndexRows.Message(mailboxId, 1), IndexRows.Message(mailboxId, uidBelow - 1));
        var rows = new List<MessageRow>(max);
        await foreach (MessageRow row in table.QueryAsync<MessageRow>(filter, maxPerPage: max, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
            if (rows.Count == max) break;
        }
        return rows;
    }

    /// <summary>
    /// Messages whose MODSEQ is above <paramref name="modSeq"/>, ascending UID: a range query over the change index rows
    /// (reads only the changed messages), or for a mailbox without them a filtered scan of its message rows.
    /// </summary>
    public async Task<List<MessageRow>> ChangedSinceAsync(MailboxRow box, ulong modSeq, CancellationToken cancellationToken)
    {
        if (!box.ChangeIndexed)
        {
            string prefix = IndexRows.MessagePrefix(box.MailboxId);
            return await QueryAsync<MessageRow>(TableClient.CreateQueryFilter(
                $"PartitionKey eq {Key} and RowKey ge {prefix} and RowKey lt {TableKeys.UpperBound(prefix)} and ModSeq gt {(long)modSeq}"),
                cancellationToken, MessageRow.ListedColumns).ConfigureAwait(false);
        }
        if (modSeq >= long.MaxValue) return []; // above every MODSEQ this index hands out
        string from = IndexRows.Change(box.MailboxId, modSeq + 1);
        string end = TableKeys.UpperBound(IndexRows.ChangePrefix(box.MailboxId));
        List<MessageRow> rows = await QueryAsync<MessageRow>(TableClient.CreateQueryFilter($"PartitionKey eq {Key} and RowKey ge {from} and RowKey lt {end}"),
            cancellationToken).ConfigureAwait(false);
        rows.Sort((a, b) => a.Uid.CompareTo(b.Uid));
        return rows;
    }

    /// <summary>
    /// UIDs expunged with a MODSEQ above <paramref name="modSeq"/>, ascending: a range query over the expunge log, plus for
    /// a mailbox from before the change index a filtered read of its rows in the earlier layout (no longer written).
    /// </summary>
    public async Task<List<uint>> ExpungedSinceAsync(MailboxRow box, ulong modSeq, CancellationToken cancellationToken)
    {
        if (modSeq >= long.MaxValue) return [];
        string from = IndexRows.ExpungeLogFrom(box.MailboxId, modSeq + 1);
        string end = TableKeys.UpperBound(IndexRows.ExpungeLogPrefix(box.MailboxId));
        List<ExpungedRow> rows = await QueryAsync<ExpungedRow>(TableClient.CreateQueryFilter($"PartitionKey eq {Key} and RowKey ge {from} and RowKey lt {end}"),
            cancellationToken).ConfigureAwait(false);
        if (!box.ChangeIndexed)
        {
            string prefix = IndexRows.ExpungedPrefix(box.MailboxId);
            rows.AddRange(await QueryAsync<ExpungedRow>(TableClient.CreateQueryFilter(
                $"PartitionKey eq {Key} and RowKey ge {prefix} and RowKey lt {TableKeys.UpperBound(prefix)} and ModSeq gt {(long)modSeq}"), cancellationToken)
                .ConfigureAwait(false));
        }
        return [.. rows.Select(r => (uint)r.Uid).Distinct().Order()];
    }

    /// <summary>
    /// Up to <paramref name="max"/> expunge log rows of the mailbox written before <paramref name="before"/> (for a mailbox from
    /// before the change index, those of the earlier layout first), oldest MODSEQ first: the rows of the current layout are
    /// read in key order and the read stops at the first younger one.
    /// </summary>
    public async Task<List<ExpungedRow>> ExpungeLogBeforeAsync(MailboxRow box, DateTimeOffset before, int max, CancellationToken cancellationToken)
    {
        var rows = new List<ExpungedRow>(max);
        if (!box.ChangeIndexed)
        {
            string legacy = IndexRows.ExpungedPrefix(box.MailboxId);
            await foreach (ExpungedRow row in table.QueryAsync<ExpungedRow>(TableClient.CreateQueryFilter(
                $"PartitionKey eq {Key} and RowKey ge {legacy} and RowKey lt {TableKeys.UpperBound(legacy)} and Timestamp lt {before}"),
                maxPerPage: max, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                rows.Add(row);
                if (rows.Count == max) return rows;
            }
        }
        await foreach (ExpungedRow row in table.QueryAsync<ExpungedRow>(TableQueries.RowPrefix(Key, IndexRows.ExpungeLogPrefix(box.MailboxId)),
            maxPerPage: max, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.Timestamp >= before || rows.Count == max) break;
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Keys of the append idempotency rows written before <paramref name="before"/>.</summary>
    public Task<List<KeyOnlyRow>> AppendKeysBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        KeysAsync(TableClient.CreateQueryFilter(
            $"PartitionKey eq {Key} and RowKey ge {IndexRows.AppendKeysFrom} and RowKey lt {TableKeys.UpperBound(IndexRows.AppendKeysFrom)} and Timestamp lt {before}"),
            cancellationToken);

    /// <summary>Keys of every message, change index and expunge-log row of a mailbox id.</summary>
    public async Task<List<KeyOnlyRow>> MessageAndExpungeKeysAsync(long mailboxId, CancellationToken cancellationToken)
    {
        var keys = new List<KeyOnlyRow>();
        foreach (string prefix in new[] { IndexRows.MessagePrefix(mailboxId), IndexRows.ChangePrefix(mailboxId), IndexRows.ExpungeLogPrefix(mailboxId),
            IndexRows.ExpungedPrefix(mailboxId) })
        {
            keys.AddRange(await KeysAsync(TableQueries.RowPrefix(Key, prefix), cancellationToken).ConfigureAwait(false));
        }
        return keys;
    }

    /// <summary>Keys of every row of the partition, with the blob id of message rows.</summary>
    public Task<List<KeyAndBlobRow>> AllKeysAsync(CancellationToken cancellationToken) =>
        QueryAsync<KeyAndBlobRow>(TableQueries.Partition(Key), cancellationToken, KeyAndBlobRow.Columns);

    /// <summary>Keys of the message rows (of any mailbox id, live or left behind) that refer to <paramref name="blobId"/>.</summary>
    public Task<List<KeyOnlyRow>> MessageKeysWithBlobAsync(string blobId, CancellationToken cancellationToken) =>
        KeysAsync(TableClient.CreateQueryFilter(
            $"PartitionKey eq {Key} and RowKey ge {IndexRows.AnyMessagePrefix} and RowKey lt {TableKeys.UpperBound(IndexRows.AnyMessagePrefix)} and BlobId eq {blobId}"),
            cancellationToken);

    public async Task<AppendKeyRow?> FindAppendKeyAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        NullableResponse<AppendKeyRow> row = await table.GetEntityIfExistsAsync<AppendKeyRow>(Key, IndexRows.AppendKey(idempotencyKey),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value : null;
    }

    public Task<List<SubscriptionRow>> SubscriptionsAsync(CancellationToken cancellationToken) =>
        QueryAsync<SubscriptionRow>(TableQueries.RowPrefix(Key, IndexRows.SubscriptionPrefix), cancellationToken);

    /// <summary>
    /// Hands out <paramref name="count"/> new UIDVALIDITY values: the current Unix time in seconds, but always above
    /// the last value of this account, so a mailbox deleted and recreated within a second still gets a new one; an account
    /// without an account row (new, or erased and created again) starts above every erased account's last value.
    /// Returns the values and the write of the account row (conditioned on its ETag) that must go into the same
    /// transaction as the new mailbox rows.
    /// </summary>
    public async Task<(long[] Values, TableTransactionAction AccountWrite)> AllocateUidValiditiesAsync(int count, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        NullableResponse<AccountRow> found = await table.GetEntityIfExistsAsync<AccountRow>(Key, IndexRows.Account, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        AccountRow? current = found.HasValue ? found.Value : null;
        long floor = current?.LastUidValidity ?? (await ErasedAccountsRowAsync(cancellationToken).ConfigureAwait(false))?.LastUidValidity ?? 0;
        long first = Math.Max(Math.Clamp(now.ToUnixTimeSeconds(), 1, uint.MaxValue), floor + 1);
        long last = first + count - 1;
        if (last > uint.MaxValue) throw new MailboxConflictException($"Account '{Account}' has run out of UIDVALIDITY values.");
        var row = new AccountRow { PartitionKey = Key, RowKey = IndexRows.Account, LastUidValidity = last };
        TableTransactionAction write = current is null
            ? new TableTransactionAction(TableTransactionActionType.Add, row)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, current.ETag);
        return ([.. Enumerable.Range(0, count).Select(i => first + i)], write);
    }

    /// <summary>This account's row, or null.</summary>
    public async Task<AccountRow?> AccountRowAsync(CancellationToken cancellationToken)
    {
        NullableResponse<AccountRow> row = await table.GetEntityIfExistsAsync<AccountRow>(Key, IndexRows.Account, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Raises the erased accounts' last UIDVALIDITY to at least <paramref name="lastUidValidity"/> (ETag-conditioned, retried).</summary>
    public Task RaiseErasedAccountsAsync(long lastUidValidity, CancellationToken cancellationToken) =>
        RetryAsync("RaiseErasedAccounts", async ct =>
        {
            AccountRow? erased = await ErasedAccountsRowAsync(ct).ConfigureAwait(false);
            if (erased?.LastUidValidity >= lastUidValidity) return true;
            var row = new AccountRow { PartitionKey = IndexRows.ErasedAccounts, RowKey = IndexRows.Account, LastUidValidity = lastUidValidity };
            await SubmitAsync([erased is null
                ? new TableTransactionAction(TableTransactionActionType.Add, row)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, erased.ETag)], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private async Task<AccountRow?> ErasedAccountsRowAsync(CancellationToken cancellationToken)
    {
        NullableResponse<AccountRow> row = await table.GetEntityIfExistsAsync<AccountRow>(IndexRows.ErasedAccounts, IndexRows.Account,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>A new, empty mailbox row.</summary>
    public MailboxRow NewMailbox(string name, SpecialUse specialUse, long uidValidity) => new()
    {
        PartitionKey = Key,
        RowKey = IndexRows.Mailbox(name),
        Name = name,
        SpecialUse = (int)specialUse,
        MailboxId = uidValidity,
        UidNext = 1,
        HighestModSeq = InitialModSeq,
        ChangeIndexed = true,
    };

    /// <summary>
    /// Submits one entity-group transaction. A row that changed (412), vanished (404) or appeared (409) since it
    /// was read becomes <see cref="ConcurrencyConflict"/>, so that the attempt is run again from fresh reads.
    /// </summary>
    public async Task SubmitAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.IsConcurrencyFailure())
        {
            throw new ConcurrencyConflict($"status {e.Status} at action {e.FailedIndex()?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}", e);
        }
    }

    public Task UpsertAsync(ITableEntity row, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);

    /// <summary>Deletes the row conditioned on <paramref name="etag"/>; <see cref="ConcurrencyConflict"/> when it changed or vanished.</summary>
    public async Task DeleteAsync(string rowKey, ETag etag, CancellationToken cancellationToken)
    {
        Response response;
        try
        {
            response = await table.DeleteEntityAsync(Key, rowKey, etag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == TableErrors.PreconditionFailed)
        {
            throw new ConcurrencyConflict("the row changed", e);
        }
        if (response.Status == TableErrors.NotFound && etag != ETag.All) throw new ConcurrencyConflict("the row vanished");
    }

    public Task DeleteRowsAsync(IEnumerable<ITableEntity> rows, CancellationToken cancellationToken) => table.DeleteRowsAsync(rows, cancellationToken);

    private Task<List<KeyOnlyRow>> KeysAsync(string filter, CancellationToken cancellationToken) =>
        QueryAsync<KeyOnlyRow>(filter, cancellationToken, KeyOnlyRow.Columns);

    private async Task<List<T>> QueryAsync<T>(string filter, CancellationToken cancellationToken, IEnumerable<string>? select = null)
        where T : class, ITableEntity, new()
    {
        var rows = new List<T>();
        await foreach (T row in table.QueryAsync<T>(filter, select: select, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }
        return rows;
    }
}
