using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Mailboxes;

/// <summary>
/// Forgetting old expunge-log entries and append keys (<see cref="IMailboxIndex.PruneAsync"/>), and answering
/// changed-since questions that reach below what the expunge log still holds (RFC 7162 §3.2.5.2).
/// </summary>
internal static class MailboxPruning
{
    /// <summary>
    /// Inside one write transaction: raises each of the account's mailboxes' <c>expunge_log_from</c> to the highest
    /// MODSEQ it forgets, then deletes the expunge-log entries logged and the append keys used before the cut-offs.
    /// </summary>
    public static PruneResult Prune(SqliteConnection c, string account, PruneCutoffs cutoffs)
    {
        long expungedBefore = StoredTime.ToTicks(cutoffs.ExpungedBefore);
        c.Execute("""
            UPDATE mailboxes SET expunge_log_from = MAX(expunge_log_from, COALESCE(
                (SELECT MAX(e.modseq) FROM expunged e WHERE e.mailbox_id = mailboxes.id AND e.expunged_at < @before), 0))
            WHERE account = @a
            """, ("@a", account), ("@before", expungedBefore));
        int entries = c.Execute("""
            DELETE FROM expunged WHERE expunged_at < @before AND mailbox_id IN (SELECT id FROM mailboxes WHERE account = @a)
            """, ("@a", account), ("@before", expungedBefore));
        int keys = c.Execute("DELETE FROM append_keys WHERE account = @a AND created_at < @before",
            ("@a", account), ("@before", StoredTime.ToTicks(cutoffs.AppendKeysBefore)));
        return new PruneResult(entries, keys);
    }

    /// <summary>
    /// What changed in <paramref name="box"/> since <paramref name="sinceModSeq"/>: exact when the expunge log still reaches
    /// back that far, otherwise every message with <see cref="MailboxChanges.Complete"/> false.
    /// </summary>
    public static MailboxChanges ChangesSince(SqliteConnection c, MailboxRow box, ulong sinceModSeq)
    {
        long logFrom = c.ScalarInt64("SELECT expunge_log_from FROM mailboxes WHERE id = @m", ("@m", box.Id));
        bool complete = sinceModSeq >= (ulong)logFrom;
        return new MailboxChanges(box.HighestModSeq,
            complete ? MessageTable.ChangedSince(c, box.Id, sinceModSeq) : MessageTable.Listed(c, box.Id),
            MessageTable.ExpungedSince(c, box.Id, sinceModSeq),
            complete);
    }
}
