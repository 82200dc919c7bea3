using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Mailboxes;

/// <summary>RENAME (RFC 9051 §6.3.6).</summary>
internal static class MailboxRenames
{
    /// <summary>Messages moved per transaction when INBOX is renamed: an add and a remove each, plus both mailbox rows.</summary>
    private const int InboxMoveChunk = (TableBatches.MaxActions - 2) / (MessageRowActions.PerAdd + MessageRowActions.PerRemove);

    /// <summary>
    /// Renames a mailbox and every mailbox below it. Only mailbox rows move (message rows are keyed by the
    /// mailbox id): each moving row is deleted under its old key, conditioned on its ETag, and added under the
    /// new one, all in one transaction when they fit (up to 50 mailboxes); a larger tree moves in chunks,
    /// children first and the renamed mailbox last, so an interrupted rename can simply be repeated. Renaming
    /// INBOX instead moves its messages into a new mailbox and leaves INBOX existing and empty. Throws
    /// <see cref="MailboxNotFoundException"/> or <see cref="MailboxExistsException"/> (also when a child's new name is taken).
    /// </summary>
    public static async Task RenameAsync(MailboxPartition partition, string oldName, string newName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (oldName == DefaultMailboxes.Inbox)
        {
            await MoveInboxAsync(partition, newName, now, cancellationToken).ConfigureAwait(false);
            return;
        }
        await partition.RetryAsync("Rename", async ct =>
        {
            MailboxRow source = await partition.RequireAsync(oldName, ct).ConfigureAwait(false);
            if (await partition.FindAsync(newName, ct).ConfigureAwait(false) is not null) throw new MailboxExistsException(newName);
            List<(MailboxRow Row, string NewName)> moves = [];
            foreach (MailboxRow child in await partition.ChildrenAsync(oldName, ct).ConfigureAwait(false))
            {
                moves.Add((child, newName + child.Name[oldName.Length..]));
            }
            moves.Add((source, newName));
            Dictionary<string, MailboxRow> moving = moves.ToDictionary(m => m.Row.RowKey, m => m.Row, StringComparer.Ordinal);
            foreach ((MailboxRow _, string target) in moves.SkipLast(1))
            {
                if (await partition.FindAsync(target, ct).ConfigureAwait(false) is { } taken && !moving.ContainsKey(taken.RowKey))
                {
                    throw new MailboxExistsException(target);
                }
            }
            await MoveRowsAsync(partition, moves, moving, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task MoveRowsAsync(MailboxPartition partition, List<(MailboxRow Row, string NewName)> moves,
        Dictionary<string, MailboxRow> moving, CancellationToken cancellationToken)
    {
        var targetKeys = moves.Select(m => IndexRows.Mailbox(m.NewName)).ToHashSet(StringComparer.Ordinal);
        bool overlapping = targetKeys.Overlaps(moving.Keys);
        if (moves.Count * 2 <= TableBatches.MaxActions)
        {
            var actions = new List<TableTransactionAction>();
            foreach ((MailboxRow row, string name) in moves)
            {
                string key = IndexRows.Mailbox(name);
                // A target that is itself moving away (e.g. "a" -> "a/b" while "a/b" -> "a/b/b") is replaced in place:
                // one transaction may touch a row only once.
                actions.Add(moving.TryGetValue(key, out MailboxRow? leaving)
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row.MovedTo(key, name), leaving.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, row.MovedTo(key, name)));
            }
            foreach ((MailboxRow row, string _) in moves)
            {
                if (!targetKeys.Contains(row.RowKey)) actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag));
            }
            await partition.SubmitAsync(actions, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (overlapping)
        {
            throw new MailboxConflictException($"Renaming {moves.Count} mailboxes into their own subtree cannot be done in one transaction.");
        }
        // Too many for one transaction: move each mailbox atomically (add new row + delete old row), children
        // first, the renamed mailbox itself last; a repeat after a crash finds the remaining children only.
        foreach ((MailboxRow Row, string NewName)[] chunk in moves.Chunk(TableBatches.MaxActions / 2))
        {
            var actions = new List<TableTransactionAction>(chunk.Length * 2);
            foreach ((MailboxRow row, string name) in chunk)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row.MovedTo(IndexRows.Mailbox(name), name)));
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag));
            }
            await partition.SubmitAsync(actions, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Creates <paramref name="newName"/> and moves INBOX's messages (those present when the rename started) into
    /// it: per transaction up to 19 messages get new UIDs and MODSEQs in the new mailbox, leave INBOX and are
    /// logged as expunged there. INBOX keeps its UIDVALIDITY and UIDNEXT, so its UIDs are never reused.
    /// </summary>
    private static async Task MoveInboxAsync(MailboxPartition partition, string newName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        MailboxRow inboxAtStart = await partition.RequireAsync(DefaultMailboxes.Inbox, cancellationToken).ConfigureAwait(false);
        await MailboxCreation.CreateAsync(partition, newName, SpecialUse.None, now, cancellationToken).ConfigureAwait(false);
        uint uidBelow = (uint)inboxAtStart.UidNext;
        while (await partition.RetryAsync("RenameInbox", ct => MoveSomeAsync(partition, newName, uidBelow, now, ct), cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    private static async Task<int> MoveSomeAsync(MailboxPartition partition, string newName, uint uidBelow, DateTimeOffset now, CancellationToken cancellationToken)
    {
        MailboxRow inbox = await partition.RequireAsync(DefaultMailboxes.Inbox, cancellationToken).ConfigureAwait(false);
        MailboxRow target = await partition.RequireAsync(newName, cancellationToken).ConfigureAwait(false);
        List<MessageRow> rows = await partition.FirstMessagesAsync(inbox.MailboxId, uidBelow, InboxMoveChunk, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0) return 0;
        ETag inboxReadAs = inbox.ETag;
        ETag targetReadAs = target.ETag;
        ulong expungeModSeq = inbox.TakeModSeq();
        var actions = new List<TableTransactionAction>(2 + rows.Count * 3);
        foreach (MessageRow row in rows)
        {
            MessageRecord message = row.ToRecord();
            MessageRecord moved = message with { Uid = target.TakeUid(), ModSeq = target.TakeModSeq(), SaveDate = now };
            int unseen = FlagMath.UnseenCount(message.Flags);
            target.AddUsage(1, unseen, message.Size);
            inbox.AddUsage(-1, -unseen, -message.Size);
            MessageRowActions.Add(actions, target, moved);
            MessageRowActions.Remove(actions, inbox, row, expungeModSeq);
        }
        actions.Insert(0, new TableTransactionAction(TableTransactionActionType.UpdateReplace, target, targetReadAs));
        actions.Insert(0, new TableTransactionAction(TableTransactionActionType.UpdateReplace, inbox, inboxReadAs));
        await partition.SubmitAsync(actions, cancellationToken).ConfigureAwait(false);
        return rows.Count;
    }
}
