using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Mailboxes;

/// <summary>
/// Forgetting old expunge-log rows and append keys of one account (<see cref="IMailboxIndex.PruneAsync"/>), and answering
/// changed-since questions that reach below what the log still holds (RFC 7162 §3.2.5.2). A row's age is its Table
/// <c>Timestamp</c> (the service's time of the write; these rows are never updated).
/// </summary>
internal static class MailboxPruning
{
    /// <summary>Expunge-log rows deleted per transaction, together with the mailbox row that records the new watermark.</summary>
    private const int Chunk = TableBatches.MaxActions - 1;

    /// <summary>
    /// For each mailbox, deletes its oldest expunge-log rows written before the cut-off in transactions that also raise
    /// <see cref="MailboxRow.ExpungeLogFrom"/> to the highest MODSEQ deleted (conditioned on the mailbox row's ETag, so a
    /// racing change makes the chunk start again); then deletes the append keys written before their cut-off.
    /// </summary>
    public static async Task<PruneResult> PruneAsync(MailboxPartition partition, PruneCutoffs cutoffs, CancellationToken cancellationToken)
    {
        int entries = 0;
        foreach (MailboxRow mailbox in await partition.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            int pruned;
            do
            {
                pruned = await partition.RetryAsync("PruneExpungeLog", ct => PruneChunkAsync(partition, mailbox.Name, cutoffs.ExpungedBefore, ct),
                    cancellationToken).ConfigureAwait(false);
                entries += pruned;
            }
            while (pruned == Chunk);
        }
        List<KeyOnlyRow> keys = await partition.AppendKeysBeforeAsync(cutoffs.AppendKeysBefore, cancellationToken).ConfigureAwait(false);
        await partition.DeleteRowsAsync(keys, cancellationToken).ConfigureAwait(false);
        return new PruneResult(entries, keys.Count);
    }

    /// <summary>Every message when <paramref name="sinceModSeq"/> is below the mailbox's watermark, else exactly the changes.</summary>
    public static async Task<MailboxChanges> ChangesSinceAsync(MailboxPartition partition, MailboxRow box, ulong sinceModSeq, CancellationToken cancellationToken)
    {
        bool complete = sinceModSeq >= (ulong)box.ExpungeLogFrom;
        List<MessageRow> changed = complete
            ? await partition.ChangedSinceAsync(box, sinceModSeq, cancellationToken).ConfigureAwait(false)
            : await partition.ListedMessagesAsync(box.MailboxId, cancellationToken).ConfigureAwait(false);
        List<uint> expunged = await partition.ExpungedSinceAsync(box, sinceModSeq, cancellationToken).ConfigureAwait(false);
        return new MailboxChanges((ulong)box.HighestModSeq, changed.ConvertAll(r => r.ToRecord()), expunged, complete);
    }

    private static async Task<int> PruneChunkAsync(MailboxPartition partition, string name, DateTimeOffset before, CancellationToken cancellationToken)
    {
        if (await partition.FindAsync(name, cancellationToken).ConfigureAwait(false) is not { } box) return 0;
        ETag readAs = box.ETag;
        List<ExpungedRow> rows = await partition.ExpungeLogBeforeAsync(box, before, Chunk, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0) return 0;
        box.ExpungeLogFrom = Math.Max(box.ExpungeLogFrom, rows.Max(r => r.ModSeq));
        List<TableTransactionAction> actions = [new(TableTransactionActionType.UpdateReplace, box, readAs)];
        actions.AddRange(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)));
        await partition.SubmitAsync(actions, cancellationToken).ConfigureAwait(false);
        return rows.Count;
    }
}
