using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Mailboxes;

/// <summary>Creating and deleting mailboxes; each method runs inside one write transaction.</summary>
internal static class MailboxLifecycle
{
    public static void EnsureDefaults(SqliteConnection c, string account, DateTimeOffset now)
    {
        foreach ((string name, SpecialUse use) in DefaultMailboxes.ForNewAccount)
        {
            if (MailboxTable.Find(c, account, name) is null) MailboxTable.Insert(c, account, name, use, now);
        }
    }

    /// <summary>Throws <see cref="MailboxExistsException"/> when the name is taken.</summary>
    public static MailboxInfo Create(SqliteConnection c, string account, string name, SpecialUse specialUse, DateTimeOffset now)
    {
        if (MailboxTable.Find(c, account, name) is not null) throw new MailboxExistsException(name);
        return MailboxTable.Insert(c, account, name, specialUse, now).ToInfo();
    }

    /// <summary>
    /// Deletes one mailbox and its message entries (children stay, RFC 9051 §6.3.4), recording their blobs as reclaim
    /// candidates due at <paramref name="now"/>. Throws <see cref="InvalidOperationException"/> for INBOX and
    /// <see cref="MailboxNotFoundException"/> when absent.
    /// </summary>
    public static void Delete(SqliteConnection c, string account, string name, DateTimeOffset now)
    {
        if (MailboxKeys.IsInbox(name)) throw new InvalidOperationException("INBOX cannot be deleted.");
        long id = MailboxTable.Require(c, account, name).Id;
        SqliteMessageReferences.Record(c, c.Query("SELECT DISTINCT blob_id FROM messages WHERE mailbox_id = @m", r => r.GetString(0), ("@m", id)), now);
        MailboxTable.Delete(c, id);
    }

    /// <summary>
    /// Removes the account's mailboxes (with their messages and expunge logs), subscriptions, idempotency keys and its
    /// <c>mailbox_accounts</c> row, recording the messages' blobs as reclaim candidates due at <paramref name="now"/>. Its
    /// last UIDVALIDITY joins the erased accounts' high-water mark, so a recreated account's mailboxes get new values.
    /// </summary>
    public static void DeleteAccountData(SqliteConnection c, string account, DateTimeOffset now)
    {
        SqliteMessageReferences.Record(c, c.Query("""
            SELECT DISTINCT m.blob_id FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.account = @a
            """, r => r.GetString(0), ("@a", account)), now);
        c.Execute("DELETE FROM mailboxes WHERE account = @a", ("@a", account));
        c.Execute("DELETE FROM subscriptions WHERE account = @a", ("@a", account));
        c.Execute("DELETE FROM append_keys WHERE account = @a", ("@a", account));
        MailboxTable.EraseAccountRow(c, account);
    }
}
