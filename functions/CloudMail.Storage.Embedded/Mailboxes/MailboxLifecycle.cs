using CloudMail.Core.Mailboxes;
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
    /// Deletes one mailbox and its message entries (children stay, RFC 9051 §6.3.4). Throws
    /// <see cref="InvalidOperationException"/> for INBOX and <see cref="MailboxNotFoundException"/> when absent.
    /// </summary>
    public static void Delete(SqliteConnection c, string account, string name)
    {
        if (MailboxKeys.IsInbox(name)) throw new InvalidOperationException("INBOX cannot be deleted.");
        MailboxTable.Delete(c, MailboxTable.Require(c, account, name).Id);
    }
}
