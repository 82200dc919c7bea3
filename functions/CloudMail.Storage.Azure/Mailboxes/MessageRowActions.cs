using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Mailboxes;

/// <summary>
/// The transaction actions that add, change and remove one message, keeping its change index row (<c>chg:</c>, when the
/// mailbox has <see cref="MailboxRow.ChangeIndexed"/>) and the expunge log (<c>xpm:</c>) in step with the message row:
/// every message row of an indexed mailbox has exactly one change row, under its current MODSEQ. The caller adds the
/// mailbox row's ETag-conditioned replace to the same transaction.
/// </summary>
internal static class MessageRowActions
{
    /// <summary>Actions per added message at most.</summary>
    public const int PerAdd = 2;

    /// <summary>Actions per changed message at most.</summary>
    public const int PerChange = 3;

    /// <summary>Actions per removed message at most.</summary>
    public const int PerRemove = 3;

    /// <summary>Adds <paramref name="message"/> (new UID and MODSEQ) to <paramref name="box"/>.</summary>
    public static void Add(List<TableTransactionAction> actions, MailboxRow box, MessageRecord message)
    {
        actions.Add(new(TableTransactionActionType.Add, MessageRow.From(box.PartitionKey, box.MailboxId, message)));
        if (box.ChangeIndexed) actions.Add(new(TableTransactionActionType.Add, MessageRow.From(box.PartitionKey, box.MailboxId, message, asChange: true)));
    }

    /// <summary>Replaces the message that had MODSEQ <paramref name="oldModSeq"/> by <paramref name="after"/> (same UID, new MODSEQ).</summary>
    public static void Change(List<TableTransactionAction> actions, MailboxRow box, ulong oldModSeq, MessageRecord after)
    {
        actions.Add(new(TableTransactionActionType.UpdateReplace, MessageRow.From(box.PartitionKey, box.MailboxId, after), ETag.All));
        if (!box.ChangeIndexed) return;
        actions.Add(new(TableTransactionActionType.Delete, ChangeKey(box, oldModSeq), ETag.All));
        actions.Add(new(TableTransactionActionType.Add, MessageRow.From(box.PartitionKey, box.MailboxId, after, asChange: true)));
    }

    /// <summary>Removes <paramref name="row"/> from <paramref name="box"/> and logs its UID as expunged under <paramref name="expungeModSeq"/>.</summary>
    public static void Remove(List<TableTransactionAction> actions, MailboxRow box, MessageRow row, ulong expungeModSeq)
    {
        actions.Add(new(TableTransactionActionType.Delete, row, ETag.All));
        if (box.ChangeIndexed) actions.Add(new(TableTransactionActionType.Delete, ChangeKey(box, (ulong)row.ModSeq), ETag.All));
        actions.Add(new(TableTransactionActionType.Add, new ExpungedRow
        {
            PartitionKey = box.PartitionKey,
            RowKey = IndexRows.ExpungeLog(box.MailboxId, expungeModSeq, (uint)row.Uid),
            Uid = row.Uid,
            ModSeq = (long)expungeModSeq,
        }));
    }

    private static KeyOnlyRow ChangeKey(MailboxRow box, ulong modSeq) =>
        new() { PartitionKey = box.PartitionKey, RowKey = IndexRows.Change(box.MailboxId, modSeq) };
}
