using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Mailboxes;

/// <summary>
/// Changing and removing message rows: STORE and EXPUNGE. Each transaction replaces the mailbox row (new
/// MODSEQs, counters) conditioned on its ETag together with up to 33 messages' rows (<see cref="MessageRowActions"/>);
/// larger requests are processed in such chunks, each atomic and each message changed exactly once.
/// </summary>
internal static class MessageChanges
{
    private const int StoreChunk = (TableBatches.MaxActions - 1) / MessageRowActions.PerChange;

    private const int ExpungeChunk = (TableBatches.MaxActions - 1) / MessageRowActions.PerRemove;

    /// <summary>
    /// STORE with optional UNCHANGEDSINCE (RFC 7162 §3.1.3); unknown UIDs are ignored. Every message whose
    /// flags change gets its own new MODSEQ; unchanged messages keep theirs.
    /// </summary>
    public static async Task<FlagUpdateResult> UpdateFlagsAsync(MailboxPartition partition, string mailbox, IReadOnlyCollection<uint> uids,
        FlagUpdate update, IReadOnlyList<string> updateKeywords, ulong? unchangedSince, CancellationToken cancellationToken)
    {
        await partition.RequireAsync(mailbox, cancellationToken).ConfigureAwait(false);
        var updated = new List<MessageRecord>();
        var failed = new List<uint>();
        foreach (uint[] chunk in uids.Distinct().Order().Chunk(StoreChunk))
        {
            (List<MessageRecord> chunkUpdated, List<uint> chunkFailed) = await partition.RetryAsync("Store", async ct =>
            {
                MailboxRow box = await partition.RequireAsync(mailbox, ct).ConfigureAwait(false);
                ETag readAs = box.ETag;
                var done = new List<MessageRecord>();
                var refused = new List<uint>();
                var writes = new List<TableTransactionAction>();
                foreach (MessageRow row in await partition.MessagesAsync(box.MailboxId, chunk, ct).ConfigureAwait(false))
                {
                    MessageRecord message = row.ToRecord();
                    if (message.ModSeq > unchangedSince)
                    {
                        refused.Add(message.Uid);
                        continue;
                    }
                    (MessageFlags flags, IReadOnlyList<string> keywords, bool changed) =
                        FlagMath.Apply(message.Flags, message.Keywords, update.Mode, update.Flags, updateKeywords);
                    if (!changed)
                    {
                        done.Add(message);
                        continue;
                    }
                    MessageRecord after = message with { Flags = flags, Keywords = keywords, ModSeq = box.TakeModSeq() };
                    box.AddUsage(0, FlagMath.UnseenCount(flags) - FlagMath.UnseenCount(message.Flags), 0);
                    MessageRowActions.Change(writes, box, message.ModSeq, after);
                    done.Add(after);
                }
                if (writes.Count > 0)
                {
                    writes.Insert(0, new TableTransactionAction(TableTransactionActionType.UpdateReplace, box, readAs));
                    await partition.SubmitAsync(writes, ct).ConfigureAwait(false);
                }
                return (done, refused);
            }, cancellationToken).ConfigureAwait(false);
            updated.AddRange(chunkUpdated);
            failed.AddRange(chunkFailed);
        }
        return new FlagUpdateResult(updated, failed);
    }

    /// <summary>
    /// Removes the existing messages among <paramref name="uids"/> and logs each removal (RFC 7162 VANISHED)
    /// under a new MODSEQ. Returns the removed UIDs, ascending. Each chunk's blobs are recorded as reclaim candidates
    /// just before the chunk's transaction (another partition: no transaction spans both), so a crash in between leaves
    /// spare candidates, never a removed message without one.
    /// </summary>
    public static async Task<IReadOnlyList<uint>> ExpungeAsync(MailboxPartition partition, string mailbox, IReadOnlyCollection<uint> uids,
        CandidateRecorder recordCandidates, CancellationToken cancellationToken)
    {
        await partition.RequireAsync(mailbox, cancellationToken).ConfigureAwait(false);
        var removed = new List<uint>();
        foreach (uint[] chunk in uids.Distinct().Order().Chunk(ExpungeChunk))
        {
            removed.AddRange(await partition.RetryAsync("Expunge", async ct =>
            {
                MailboxRow box = await partition.RequireAsync(mailbox, ct).ConfigureAwait(false);
                ETag readAs = box.ETag;
                List<MessageRow> rows = await partition.MessagesAsync(box.MailboxId, chunk, ct).ConfigureAwait(false);
                if (rows.Count == 0) return new List<uint>();
                ulong modSeq = box.TakeModSeq();
                List<TableTransactionAction> actions = [new(TableTransactionActionType.UpdateReplace, box, readAs)];
                foreach (MessageRow row in rows)
                {
                    box.AddUsage(-1, -FlagMath.UnseenCount((MessageFlags)row.Flags), -row.BlobSize);
                    MessageRowActions.Remove(actions, box, row, modSeq);
                }
                await recordCandidates(rows.Select(r => r.BlobId), ct).ConfigureAwait(false);
                await partition.SubmitAsync(actions, ct).ConfigureAwait(false);
                return rows.ConvertAll(r => (uint)r.Uid);
            }, cancellationToken).ConfigureAwait(false));
        }
        return removed;
    }
}
