using Azure.Data.Tables;
using CloudMail.Core.Mailboxes;

namespace CloudMail.Storage.Azure.Mailboxes;

/// <summary>
/// Creating mailboxes: the new mailbox rows and the account row that hands out their UIDVALIDITY are
/// written in one transaction (Add of each mailbox row, ETag-conditioned update of the account row), so two
/// creators never get the same UIDVALIDITY and a name is never created twice.
/// </summary>
internal static class MailboxCreation
{
    /// <summary>Creates whichever default mailboxes are missing, all in one transaction. Idempotent.</summary>
    public static Task EnsureDefaultsAsync(MailboxPartition partition, DateTimeOffset now, CancellationToken cancellationToken) =>
        partition.RetryAsync("EnsureDefaultMailboxes", async ct =>
        {
            HashSet<string> existing = [.. (await partition.ListAsync(ct).ConfigureAwait(false)).Select(m => m.Name)];
            var missing = DefaultMailboxes.ForNewAccount.Where(m => !existing.Contains(m.Name)).ToList();
            if (missing.Count == 0) return true;
            (long[] ids, TableTransactionAction accountWrite) = await partition.AllocateUidValiditiesAsync(missing.Count, now, ct).ConfigureAwait(false);
            List<TableTransactionAction> actions = [accountWrite];
            actions.AddRange(missing.Select((m, i) =>
                new TableTransactionAction(TableTransactionActionType.Add, partition.NewMailbox(m.Name, m.Use, ids[i]))));
            await partition.SubmitAsync(actions, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Throws <see cref="MailboxExistsException"/> when the name is taken.</summary>
    public static Task<MailboxInfo> CreateAsync(MailboxPartition partition, string name, SpecialUse specialUse, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        partition.RetryAsync("CreateMailbox", async ct =>
        {
            if (await partition.FindAsync(name, ct).ConfigureAwait(false) is not null) throw new MailboxExistsException(name);
            (long[] ids, TableTransactionAction accountWrite) = await partition.AllocateUidValiditiesAsync(1, now, ct).ConfigureAwait(false);
            MailboxRow mailbox = partition.NewMailbox(name, specialUse, ids[0]);
            await partition.SubmitAsync([accountWrite, new TableTransactionAction(TableTransactionActionType.Add, mailbox)], ct).ConfigureAwait(false);
            return mailbox.ToInfo();
        }, cancellationToken);
}
