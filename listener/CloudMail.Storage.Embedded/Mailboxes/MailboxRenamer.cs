using CloudMail.Core.Mailboxes;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Mailboxes;

/// <summary>RENAME (RFC 9051 §6.3.6), inside one write transaction.</summary>
internal static class MailboxRenamer
{
    /// <summary>
    /// Renames a mailbox and every mailbox below it ("a/b" follows "a"), keeping ids, messages and
    /// UIDVALIDITY. Renaming INBOX instead moves its messages into a new mailbox and leaves INBOX existing and
    /// empty (its children stay where they are). Throws <see cref="MailboxNotFoundException"/> or
    /// <see cref="MailboxExistsException"/> (also when a child's new name is taken).
    /// </summary>
    public static void Rename(SqliteConnection c, string account, string oldName, string newName, DateTimeOffset now)
    {
        MailboxRow source = MailboxTable.Require(c, account, oldName);
        if (MailboxTable.Find(c, account, newName) is not null) throw new MailboxExistsException(newName);
        if (MailboxKeys.IsInbox(oldName))
        {
            MoveInboxMessages(c, account, source, newName, now);
            return;
        }

        var moves = new List<(long Id, string NewName)> { (source.Id, newName) };
        var moving = new HashSet<long> { source.Id };
        foreach (MailboxRow child in MailboxTable.Descendants(c, account, oldName))
        {
            moves.Add((child.Id, newName + child.Name[oldName.Length..]));
            moving.Add(child.Id);
        }
        foreach ((long _, string target) in moves.Skip(1))
        {
            if (MailboxTable.Find(c, account, target) is { } taken && !moving.Contains(taken.Id)) throw new MailboxExistsException(target);
        }
        // Two passes so that UNIQUE(account, name) never sees two rows with one name midway, e.g. "a" -> "a/b"
        // while the child "a/b" is itself becoming "a/b/b".
        foreach ((long id, string _) in moves) MailboxTable.SetName(c, id, $"\u0001renaming\u0001{id}");
        foreach ((long id, string target) in moves) MailboxTable.SetName(c, id, target);
    }

    private static void MoveInboxMessages(SqliteConnection c, string account, MailboxRow inbox, string newName, DateTimeOffset now)
    {
        MailboxRow target = MailboxTable.Insert(c, account, newName, SpecialUse.None, now);
        List<MessageRecord> messages = MessageTable.All(c, inbox.Id);
        if (messages.Count == 0) return;

        inbox = inbox.NextModSeq(out ulong expungeModSeq);
        foreach (MessageRecord message in messages)
        {
            target = target.NextUid(out uint uid).NextModSeq(out ulong modSeq);
            MessageTable.Insert(c, target.Id, message with { Uid = uid, ModSeq = modSeq, SaveDate = now });
            MessageTable.Expunge(c, inbox.Id, message.Uid, expungeModSeq, now);
            int unseen = FlagMath.UnseenCount(message.Flags);
            target = target.WithUsage(1, unseen, message.Size);
            inbox = inbox.WithUsage(-1, -unseen, -message.Size);
        }
        MailboxTable.Save(c, target);
        MailboxTable.Save(c, inbox);
    }
}
