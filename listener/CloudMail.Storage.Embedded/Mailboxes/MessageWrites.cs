using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Mailboxes;

/// <summary>
/// Changes to messages, each inside one write transaction. Every change takes a new MODSEQ from the
/// mailbox, so HIGHESTMODSEQ strictly increases, and keeps the mailbox's usage counters in step.
/// </summary>
internal static class MessageWrites
{
    /// <summary>
    /// Appends one message. A known idempotency key returns the first result with AlreadyPresent (checked
    /// before the mailbox, so a redelivery succeeds even if the mailbox was deleted meanwhile).
    /// The key is recorded as used at <paramref name="now"/> (for <see cref="MailboxPruning"/>).
    /// </summary>
    public static AppendResult Append(SqliteConnection c, AppendRequest request, DateTimeOffset now)
    {
        if (request.IdempotencyKey is { } key && FindAppendKey(c, request.Account, key) is { } earlier) return earlier;

        MailboxRow box = MailboxTable.Require(c, request.Account, request.Mailbox);
        box = box.NextUid(out uint uid).NextModSeq(out ulong modSeq);
        var stored = new MessageRecord(uid, request.Blob, request.InternalDate, request.Flags, request.Keywords, modSeq, now, request.Structure);
        MessageTable.Insert(c, box.Id, stored);
        MailboxTable.Save(c, box.WithUsage(1, FlagMath.UnseenCount(request.Flags), request.Blob.Size));

        if (request.IdempotencyKey is not null)
        {
            c.Execute("""
                INSERT INTO append_keys (account, key, uid_validity, uid, modseq, created_at) VALUES (@a, @k, @uv, @uid, @modseq, @at)
                """, ("@a", request.Account), ("@k", request.IdempotencyKey), ("@uv", (long)box.UidValidity), ("@uid", (long)uid),
                ("@modseq", (long)modSeq), ("@at", StoredTime.ToTicks(now)));
        }
        return new AppendResult(box.UidValidity, uid, modSeq, AlreadyPresent: false, stored);
    }

    /// <summary>
    /// Copies existing messages among <paramref name="uids"/>: same blob, flags and keywords, new UIDs, and
    /// <paramref name="now"/> as their save date (RFC 8514 §3: a copy is saved anew).
    /// </summary>
    public static CopyResult Copy(SqliteConnection c, string account, string source, IReadOnlyCollection<uint> uids, string destination, DateTimeOffset now)
    {
        MailboxRow from = MailboxTable.Require(c, account, source);
        MailboxRow to = MailboxTable.Require(c, account, destination);
        List<MessageRecord> messages = MessageTable.Find(c, from.Id, uids);
        var sourceUids = new List<uint>(messages.Count);
        var destinationUids = new List<uint>(messages.Count);
        foreach (MessageRecord message in messages)
        {
            to = to.NextUid(out uint uid).NextModSeq(out ulong modSeq);
            MessageTable.Insert(c, to.Id, message with { Uid = uid, ModSeq = modSeq, SaveDate = now });
            to = to.WithUsage(1, FlagMath.UnseenCount(message.Flags), message.Size);
            sourceUids.Add(message.Uid);
            destinationUids.Add(uid);
        }
        MailboxTable.Save(c, to);
        return new CopyResult(to.UidValidity, sourceUids, destinationUids);
    }

    /// <summary>STORE with optional UNCHANGEDSINCE (RFC 7162 §3.1.3); unknown UIDs are ignored.</summary>
    public static FlagUpdateResult UpdateFlags(SqliteConnection c, string account, string mailbox, IReadOnlyCollection<uint> uids,
        FlagUpdate update, IReadOnlyList<string> updateKeywords, ulong? unchangedSince)
    {
        MailboxRow box = MailboxTable.Require(c, account, mailbox);
        ulong before = box.HighestModSeq;
        var updated = new List<MessageRecord>();
        var failed = new List<uint>();
        foreach (MessageRecord message in MessageTable.Find(c, box.Id, uids))
        {
            if (message.ModSeq > unchangedSince)
            {
                failed.Add(message.Uid);
                continue;
            }
            (MessageFlags flags, IReadOnlyList<string> keywords, bool changed) =
                FlagMath.Apply(message.Flags, message.Keywords, update.Mode, update.Flags, updateKeywords);
            if (!changed)
            {
                updated.Add(message);
                continue;
            }
            box = box.NextModSeq(out ulong modSeq)
                .WithUsage(0, FlagMath.UnseenCount(flags) - FlagMath.UnseenCount(message.Flags), 0);
            MessageRecord after = message with { Flags = flags, Keywords = keywords, ModSeq = modSeq };
            MessageTable.UpdateFlags(c, box.Id, after);
            updated.Add(after);
        }
        MailboxTable.Save(c, box);
        return new FlagUpdateResult(updated, failed) { ModSeqs = (before, box.HighestModSeq) };
    }

    /// <summary>
    /// Removes existing messages among <paramref name="uids"/>, logging them under one new MODSEQ, and records their
    /// blobs as reclaim candidates due at <paramref name="now"/>; with the mailbox's HIGHESTMODSEQ before and after.
    /// </summary>
    public static ExpungeResult Expunge(SqliteConnection c, string account, string mailbox, IReadOnlyCollection<uint> uids, DateTimeOffset now)
    {
        MailboxRow box = MailboxTable.Require(c, account, mailbox);
        ulong before = box.HighestModSeq;
        List<MessageRecord> messages = MessageTable.Find(c, box.Id, uids);
        if (messages.Count == 0) return new ExpungeResult([], (before, before));
        box = box.NextModSeq(out ulong modSeq);
        foreach (MessageRecord message in messages)
        {
            MessageTable.Expunge(c, box.Id, message.Uid, modSeq, now);
            box = box.WithUsage(-1, -FlagMath.UnseenCount(message.Flags), -message.Size);
        }
        MailboxTable.Save(c, box);
        SqliteMessageReferences.Record(c, messages.Select(m => m.Blob.Id), now);
        return new ExpungeResult(messages.ConvertAll(m => m.Uid), (before, box.HighestModSeq));
    }

    private static AppendResult? FindAppendKey(SqliteConnection c, string account, string key) =>
        c.QueryFirstOrDefault("SELECT uid_validity, uid, modseq FROM append_keys WHERE account = @a AND key = @k",
            r => new AppendResult((uint)r.GetInt64(0), (uint)r.GetInt64(1), (ulong)r.GetInt64(2), AlreadyPresent: true),
            ("@a", account), ("@k", key));
}
