using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;
using CloudMail.Storage.Embedded.Blobs;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Mailboxes;

/// <summary>
/// <see cref="IMailboxIndex"/> in SQLite. All writes go through the database's single group-committing
/// writer, so each operation is one serializable transaction (no optimistic retries are needed here) and
/// concurrent appends share fsyncs. Reads use pooled reader connections. Accounts are lower-cased. Removing messages
/// (expunge, mailbox or account deletion) records their blobs as reclaim candidates in the same transaction
/// (<see cref="SqliteMessageReferences"/>) and then tells <paramref name="references"/>' listeners. Expunges and keyed
/// appends first prune the account when <paramref name="pruning"/> says it is due (<see cref="MailboxPruning"/>).
/// </summary>
internal sealed class SqliteMailboxIndex(SqliteDatabase db, SqliteMessageReferences references, TimeProvider time, MailboxPruneSchedule pruning)
    : IJointBlobMailboxIndex
{
    /// <summary>Raised (on the committing caller's continuation) after messages were added: append, copy, rename of INBOX.</summary>
    public event Action? MessagesAdded;

    public Task EnsureDefaultMailboxesAsync(string account, CancellationToken cancellationToken)
    {
        string a = MailboxKeys.Account(account);
        DateTimeOffset now = time.GetUtcNow();
        return db.WriteAsync(c => MailboxLifecycle.EnsureDefaults(c, a, now), cancellationToken);
    }

    public Task<MailboxInfo> CreateMailboxAsync(string account, string name, SpecialUse specialUse, CancellationToken cancellationToken)
    {
        string a = MailboxKeys.Account(account);
        string n = MailboxKeys.Mailbox(name);
        DateTimeOffset now = time.GetUtcNow();
        return db.WriteAsync(c => MailboxLifecycle.Create(c, a, n, specialUse, now), cancellationToken);
    }

    public Task DeleteMailboxAsync(string account, string name, CancellationToken cancellationToken)
    {
        string a = MailboxKeys.Account(account);
        string n = MailboxKeys.Mailbox(name);
        DateTimeOffset now = time.GetUtcNow();
        return RemoveAsync(db.WriteAsync(c => MailboxLifecycle.Delete(c, a, n, now), cancellationToken));
    }

    public Task RenameMailboxAsync(string account, string oldName, string newName, CancellationToken cancellationToken)
    {
        string a = MailboxKeys.Account(account);
        string from = MailboxKeys.Mailbox(oldName);
        string to = MailboxKeys.Mailbox(newName);
        DateTimeOffset now = time.GetUtcNow();
        return AddAsync(db.WriteAsync(c => MailboxRenamer.Rename(c, a, from, to, now), cancellationToken));
    }

    public Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(string account, CancellationToken cancellationToken)
    {
        string a = MailboxKeys.Account(account);
        return db.ReadAsync<IReadOnlyList<MailboxInfo>>(
            c => [.. MailboxTable.List(c, a).Select(m => m.ToInfo()).OrderBy(m => m.Name, StringComparer.Ordinal)],
            cancellationToken);
    }

    public Task<MailboxInfo?> GetMailboxAsync(string account, string name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(name)) return Task.FromResult<MailboxInfo?>(null); // no mailbox has an empty name
        string a = MailboxKeys.Account(account);
        string n = MailboxKeys.Mailbox(name);
        return db.ReadAsync(c => MailboxTable.Find(c, a, n)?.ToInfo(), cancellationToken);
    }

    public Task SetSubscribedAsync(string account, string name, bool subscribed, CancellationToken cancellationToken)
    {
        string a = MailboxKeys.Account(account);
        string n = MailboxKeys.Mailbox(name);
        string sql = subscribed
            ? "INSERT INTO subscriptions (account, name) VALUES (@a, @n) ON CONFLICT DO NOTHING"
            : "DELETE FROM subscriptions WHERE account = @a AND name = @n";
        return db.WriteAsync(c => c.Execute(sql, ("@a", a), ("@n", n)), cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListSubscriptionsAsync(string account, CancellationToken cancellationToken)
    {
        string a = MailboxKeys.Account(account);
        return db.ReadAsync<IReadOnlyList<string>>(
            c => [.. c.Query("SELECT name FROM subscriptions WHERE account = @a", r => r.GetString(0), ("@a", a)).Order(StringComparer.Ordinal)],
            cancellationToken);
    }

    public Task<AppendResult> AppendAsync(string account, string mailbox, BlobRef blob, DateTimeOffset internalDate,
        MessageFlags flags, IReadOnlyList<string> keywords, string? idempotencyKey, CancellationToken cancellationToken) =>
        AppendAsync(account, mailbox, new MessageToAppend(blob, internalDate, flags, keywords), idempotencyKey, cancellationToken);

    public Task<AppendResult> AppendAsync(string account, string mailbox, MessageToAppend message, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message?.Blob);
        if (idempotencyKey is not null) ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        var request = new AppendRequest(MailboxKeys.Account(account), MailboxKeys.Mailbox(mailbox), message.Blob, message.InternalDate,
            FlagMath.Clean(message.Flags), KeywordList.Normalize(message.Keywords), idempotencyKey, message.Structure);
        DateTimeOffset now = time.GetUtcNow();
        return AddAsync(db.WriteAsync(c =>
        {
            if (idempotencyKey is not null) PruneIfDue(c, request.Account);
            return MessageWrites.Append(c, request, now);
        }, cancellationToken));
    }

    /// <summary>One write item, so one savepoint: a failure part way rolls back every message of the list.</summary>
    public Task<IReadOnlyList<AppendResult>> AppendAllAsync(string account, string mailbox, IReadOnlyList<MessageToAppend> messages,
        CancellationToken cancellationToken)
    {
        List<AppendRequest> requests = Requests(account, mailbox, messages);
        DateTimeOffset now = time.GetUtcNow();
        return AddAsync(db.WriteAsync<IReadOnlyList<AppendResult>>(c => requests.ConvertAll(r => MessageWrites.Append(c, r, now)), cancellationToken));
    }

    /// <summary>The append requests of <see cref="AppendAllAsync"/> (validated, keys and flags normalized).</summary>
    private static List<AppendRequest> Requests(string account, string mailbox, IReadOnlyList<MessageToAppend> messages)
    {
        MessageToAppend.ThrowIfInvalid(messages);
        string a = MailboxKeys.Account(account);
        string n = MailboxKeys.Mailbox(mailbox);
        return [.. messages.Select(m =>
            new AppendRequest(a, n, m.Blob, m.InternalDate, FlagMath.Clean(m.Flags), KeywordList.Normalize(m.Keywords), null, m.Structure))];
    }

    /// <summary>Non-null for a <see cref="BufferedBlobWriter"/> still in memory (see <see cref="BufferedBlobWriter.TryPrepare"/>).</summary>
    public PreparedBlob? TryPrepare(IBlobWriter writer) =>
        writer is BufferedBlobWriter small && small.TryPrepare(db) is { } blob ? new PreparedBlob(blob, small.PreparedContent()) : null;

    /// <summary>
    /// The blob rows go into this database's table <c>blobs</c> inside the write item of <see cref="AppendAllAsync"/>:
    /// one savepoint, one group commit, one WAL fsync shared with the other writers.
    /// </summary>
    public async Task<IReadOnlyList<AppendResult>> AppendAllWithBlobsAsync(string account, string mailbox, IReadOnlyList<MessageToAppend> messages,
        IReadOnlyList<IBlobWriter> prepared, CancellationToken cancellationToken)
    {
        List<AppendRequest> requests = Requests(account, mailbox, messages);
        var rows = new List<(BlobRef Blob, ReadOnlyMemory<byte> Bytes, BufferedBlobWriter Writer)>(prepared.Count);
        foreach (IBlobWriter writer in prepared)
        {
            var small = writer as BufferedBlobWriter ?? throw new ArgumentException("Not a writer of this index's blob table.", nameof(prepared));
            if (small.TryPrepare(db) is not { } blob) throw new InvalidOperationException("The blob is not prepared for a joint commit (TryPrepare returned null).");
            if (!messages.Any(m => m.Blob == blob)) throw new ArgumentException("No message references the writer's blob.", nameof(prepared));
            await small.CheckNoOtherRowAsync(cancellationToken).ConfigureAwait(false);
            rows.Add((blob, small.PreparedContent(), small)); // valid until MarkCommitted below (or the writer's disposal)
        }
        DateTimeOffset now = time.GetUtcNow();
        IReadOnlyList<AppendResult> results = await AddAsync(db.WriteAsync<IReadOnlyList<AppendResult>>(c =>
        {
            foreach (var row in rows) SqliteBlobTable.Insert(c, row.Blob, row.Bytes);
            return requests.ConvertAll(r => MessageWrites.Append(c, r, now));
        }, cancellationToken)).ConfigureAwait(false);
        foreach (var row in rows) row.Writer.MarkCommitted();
        return results;
    }

    /// <summary>One write transaction for all of them.</summary>
    public Task SetStructuresAsync(string account, string mailbox, IReadOnlyList<KeyValuePair<uint, string>> structures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(structures);
        if (structures.Count == 0) return Task.CompletedTask;
        string a = MailboxKeys.Account(account);
        string n = MailboxKeys.Mailbox(mailbox);
        return db.WriteAsync(c =>
        {
            if (MailboxTable.Find(c, a, n) is not { } box) return false;
            foreach (var (uid, structure) in structures) MessageTable.SetStructure(c, box.Id, uid, structure);
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<MessageRecord>> GetMessagesAsync(string account, string mailbox, CancellationToken cancellationToken)
    {
        string a = MailboxKeys.Account(account);
        string n = MailboxKeys.Mailbox(mailbox);
        return db.ReadAsync<IReadOnlyList<MessageRecord>>(
            c => MessageTable.Listed(c, MailboxTable.Require(c, a, n).Id), cancellationToken);
    }

    /// <summary>One query that does not read the hash column.</summary>
    public Task<IReadOnlyList<MessageRecord>> ListForViewAsync(string account, string mailbox, CancellationToken cancellationToken)
    {
        string a = MailboxKeys.Account(account);
        string n = MailboxKeys.Mailbox(mailbox);
        return db.ReadAsync<IReadOnlyList<MessageRecord>>(
            c => MessageTable.Viewed(c, MailboxTable.Require(c, a, n).Id), cancellationToken);
    }

    public Task<IReadOnlyList<KeptStructure>> GetStructuresAsync(string account, string mailbox, IReadOnlyCollection<uint> uids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        if (uids.Count == 0) return Task.FromResult<IReadOnlyList<KeptStructure>>([]);
        string a = MailboxKeys.Account(account);
        string n = MailboxKeys.Mailbox(mailbox);
        return db.ReadAsync<IReadOnlyList<KeptStructure>>(
            c => MailboxTable.Find(c, a, n) is { } box ? MessageTable.Structures(c, box.Id, uids) : [], cancellationToken);
    }

    public Task<MailboxChanges> GetChangesSinceAsync(string account, string mailbox, ulong sinceModSeq, CancellationToken cancellationToken)
    {
        string a = MailboxKeys.Account(account);
        string n = MailboxKeys.Mailbox(mailbox);
        return db.ReadAsync(c => MailboxPruning.ChangesSince(c, MailboxTable.Require(c, a, n), sinceModSeq), cancellationToken);
    }

    public Task<FlagUpdateResult> UpdateFlagsAsync(string account, string mailbox, IReadOnlyCollection<uint> uids,
        FlagUpdate update, ulong? unchangedSince, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        ArgumentNullException.ThrowIfNull(update);
        string a = MailboxKeys.Account(account);
        string n = MailboxKeys.Mailbox(mailbox);
        IReadOnlyList<string> keywords = KeywordList.Normalize(update.Keywords);
        // Flag changes are not fsynced on their own (see WriteUnsyncedAsync): an IMAP STORE costs no disk flush.
        return db.WriteUnsyncedAsync(c => MessageWrites.UpdateFlags(c, a, n, uids, update, keywords, unchangedSince), cancellationToken);
    }

    public async Task<IReadOnlyList<uint>> ExpungeAsync(string account, string mailbox, IReadOnlyCollection<uint> uids, CancellationToken cancellationToken) =>
        (await ExpungeWithModSeqsAsync(account, mailbox, uids, cancellationToken).ConfigureAwait(false)).Removed;

    public Task<ExpungeResult> ExpungeWithModSeqsAsync(string account, string mailbox, IReadOnlyCollection<uint> uids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        string a = MailboxKeys.Account(account);
        string n = MailboxKeys.Mailbox(mailbox);
        DateTimeOffset now = time.GetUtcNow();
        return RemoveAsync(db.WriteAsync(c =>
        {
            PruneIfDue(c, a);
            return MessageWrites.Expunge(c, a, n, uids, now);
        }, cancellationToken));
    }

    public Task<CopyResult> CopyAsync(string account, string source, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        string a = MailboxKeys.Account(account);
        string from = MailboxKeys.Mailbox(source);
        string to = MailboxKeys.Mailbox(destination);
        DateTimeOffset now = time.GetUtcNow();
        return AddAsync(db.WriteAsync(c => MessageWrites.Copy(c, a, from, uids, to, now), cancellationToken));
    }

    public Task<QuotaUsage> GetQuotaUsageAsync(string account, CancellationToken cancellationToken)
    {
        string a = MailboxKeys.Account(account);
        return db.ReadAsync(c => c.QueryFirstOrDefault(
            "SELECT COALESCE(SUM(total_size), 0), COALESCE(SUM(message_count), 0) FROM mailboxes WHERE account = @a",
            r => new QuotaUsage(r.GetInt64(0), r.GetInt64(1)), ("@a", a))!, cancellationToken);
    }

    /// <inheritdoc cref="MailboxLifecycle.DeleteAccountData"/>
    public Task DeleteAccountDataAsync(string account, CancellationToken cancellationToken)
    {
        string a = MailboxKeys.Account(account);
        DateTimeOffset now = time.GetUtcNow();
        return RemoveAsync(db.WriteAsync(c => MailboxLifecycle.DeleteAccountData(c, a, now), cancellationToken));
    }

    public Task<PruneResult> PruneAsync(string account, PruneCutoffs cutoffs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cutoffs);
        string a = MailboxKeys.Account(account);
        return db.WriteAsync(c => MailboxPruning.Prune(c, a, cutoffs), cancellationToken);
    }

    /// <summary>Prunes inside the caller's transaction when due; a failed transaction rolls it back and it is due again.</summary>
    private void PruneIfDue(SqliteConnection c, string account)
    {
        if (pruning.TakeDue(account) is not { } cutoffs) return;
        try
        {
            MailboxPruning.Prune(c, account, cutoffs);
        }
        catch
        {
            pruning.Forget(account);
            throw;
        }
    }

    /// <summary>Awaits a write that added messages, then wakes whoever indexes them.</summary>
    private async Task<T> AddAsync<T>(Task<T> write)
    {
        T result = await write.ConfigureAwait(false);
        MessagesAdded?.Invoke();
        return result;
    }

    private async Task AddAsync(Task write)
    {
        await write.ConfigureAwait(false);
        MessagesAdded?.Invoke();
    }

    /// <summary>Awaits a write that removed messages, then wakes whoever reclaims their blobs.</summary>
    private async Task<T> RemoveAsync<T>(Task<T> write)
    {
        T result = await write.ConfigureAwait(false);
        references.NotifyAdded();
        return result;
    }

    private async Task RemoveAsync(Task write)
    {
        await write.ConfigureAwait(false);
        references.NotifyAdded();
    }
}
