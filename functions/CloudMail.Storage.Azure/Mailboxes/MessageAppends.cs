using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Mailboxes;

/// <summary>A validated append: canonical mailbox, clean flags, normalized keywords, and its save date (RFC 8514 §3).</summary>
internal sealed record AppendRequest(string Mailbox, BlobRef Blob, DateTimeOffset InternalDate, MessageFlags Flags,
    IReadOnlyList<string> Keywords, string? IdempotencyKey, DateTimeOffset SaveDate, string? Structure = null);

/// <summary>
/// Adding message rows: APPEND and COPY. UIDs and MODSEQs come from the mailbox row, which is replaced
/// conditioned on the ETag it was read with, in the same transaction as the new message rows.
/// </summary>
internal static class MessageAppends
{
    /// <summary>Messages per COPY transaction: their adds and the destination mailbox row.</summary>
    private const int CopyChunk = (TableBatches.MaxActions - 1) / MessageRowActions.PerAdd;

    /// <summary>
    /// Appends one message. With an idempotency key, the key row is added in the same transaction as the
    /// message row, so a crash leaves either both or neither, and an append redelivered after a crash (or
    /// racing another process with the same key) finds the key row and returns the first result with
    /// <see cref="AppendResult.AlreadyPresent"/>. The key is checked before the mailbox, so a redelivery
    /// succeeds even if the mailbox was deleted meanwhile.
    /// </summary>
    public static Task<AppendResult> AppendAsync(MailboxPartition partition, AppendRequest request, CancellationToken cancellationToken) =>
        partition.RetryAsync("Append", async ct =>
        {
            if (request.IdempotencyKey is { } key && await partition.FindAppendKeyAsync(key, ct).ConfigureAwait(false) is { } earlier)
            {
                return earlier.ToResult();
            }
            MailboxRow mailbox = await partition.RequireAsync(request.Mailbox, ct).ConfigureAwait(false);
            ETag readAs = mailbox.ETag;
            uint uid = mailbox.TakeUid();
            ulong modSeq = mailbox.TakeModSeq();
            mailbox.AddUsage(1, FlagMath.UnseenCount(request.Flags), request.Blob.Size);
            var message = new MessageRecord(uid, request.Blob, request.InternalDate, request.Flags, request.Keywords, modSeq, request.SaveDate, request.Structure);
            List<TableTransactionAction> actions = [new(TableTransactionActionType.UpdateReplace, mailbox, readAs)];
            MessageRowActions.Add(actions, mailbox, message);
            if (request.IdempotencyKey is not null)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new AppendKeyRow
                {
                    PartitionKey = partition.Key,
                    RowKey = IndexRows.AppendKey(request.IdempotencyKey),
                    Key = request.IdempotencyKey,
                    UidValidity = mailbox.MailboxId,
                    Uid = uid,
                    ModSeq = (long)modSeq,
                }));
            }
            await partition.SubmitAsync(actions, ct).ConfigureAwait(false);
            return new AppendResult(mailbox.UidValidity, uid, modSeq, AlreadyPresent: false);
        }, cancellationToken);

    /// <summary>
    /// Copies the existing messages among <paramref name="uids"/> (ascending) into <paramref name="destination"/>:
    /// same blob, flags, keywords and date, new UIDs, <paramref name="now"/> as their save date (RFC 8514 §3). Each transaction
    /// copies up to 49 messages; a copy of more is not atomic as a whole (a crash may leave the first chunks copied), each
    /// message is copied once.
    /// </summary>
    public static async Task<CopyResult> CopyAsync(MailboxPartition partition, string source, IReadOnlyCollection<uint> uids, string destination,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        MailboxRow from = await partition.RequireAsync(source, cancellationToken).ConfigureAwait(false);
        MailboxRow to = await partition.RequireAsync(destination, cancellationToken).ConfigureAwait(false);
        List<MessageRow> messages = await partition.MessagesAsync(from.MailboxId, uids, cancellationToken).ConfigureAwait(false);
        var sourceUids = new List<uint>(messages.Count);
        var destinationUids = new List<uint>(messages.Count);
        foreach (MessageRow[] chunk in messages.Chunk(CopyChunk))
        {
            (to, IReadOnlyList<MessageRecord> added) = await AddAsync(partition, destination, [.. chunk.Select(m => m.ToRecord() with { SaveDate = now })], "Copy",
                cancellationToken).ConfigureAwait(false);
            sourceUids.AddRange(chunk.Select(m => (uint)m.Uid));
            destinationUids.AddRange(added.Select(m => m.Uid));
        }
        return new CopyResult(to.UidValidity, sourceUids, destinationUids);
    }

    /// <summary>
    /// Appends up to <see cref="MessageToAppend.MaxPerAtomicAppend"/> messages in one transaction: all or none
    /// (IMAP MULTIAPPEND). The caller has noted the account as a holder of every blob.
    /// </summary>
    public static async Task<IReadOnlyList<AppendResult>> AppendAllAsync(MailboxPartition partition, string mailbox,
        IReadOnlyList<MessageRecord> messages, CancellationToken cancellationToken)
    {
        (MailboxRow box, IReadOnlyList<MessageRecord> added) = await AddAsync(partition, mailbox, messages, "Append", cancellationToken).ConfigureAwait(false);
        return [.. added.Select(m => new AppendResult(box.UidValidity, m.Uid, m.ModSeq, AlreadyPresent: false))];
    }

    /// <summary>
    /// Adds <paramref name="messages"/> (their UIDs and MODSEQs are ignored) to <paramref name="destination"/> under new
    /// UIDs and MODSEQs in one transaction with the mailbox row, retried on a concurrent change. At most
    /// <see cref="CopyChunk"/> messages. Returns the mailbox row as written and the messages as added.
    /// </summary>
    private static Task<(MailboxRow Box, IReadOnlyList<MessageRecord> Added)> AddAsync(MailboxPartition partition, string destination,
        IReadOnlyList<MessageRecord> messages, string operation, CancellationToken cancellationToken) =>
        partition.RetryAsync(operation, async ct =>
        {
            MailboxRow target = await partition.RequireAsync(destination, ct).ConfigureAwait(false);
            ETag readAs = target.ETag;
            var added = new List<MessageRecord>(messages.Count);
            List<TableTransactionAction> actions = [new(TableTransactionActionType.UpdateReplace, target, readAs)];
            foreach (MessageRecord message in messages)
            {
                MessageRecord copy = message with { Uid = target.TakeUid(), ModSeq = target.TakeModSeq() };
                target.AddUsage(1, FlagMath.UnseenCount(copy.Flags), copy.Size);
                MessageRowActions.Add(actions, target, copy);
                added.Add(copy);
            }
            await partition.SubmitAsync(actions, ct).ConfigureAwait(false);
            return (target, (IReadOnlyList<MessageRecord>)added);
        }, cancellationToken);
}
