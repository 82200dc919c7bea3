using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;

namespace CloudMail.Core.Retention;

/// <summary>
/// Empties old mail out of every account's Junk and Trash (the mailboxes with those special uses, RFC 6154), as
/// Dovecot's <c>autoexpunge</c> and Gmail do: a message that has been in one of them longer than
/// <see cref="RetentionOptions.Junk"/> / <see cref="RetentionOptions.Trash"/> — since its SAVEDATE (RFC 8514: when it
/// was put there), or its INTERNALDATE when it has none — is expunged through the mailbox index like an IMAP EXPUNGE:
/// sessions with the mailbox selected are told (EXPUNGE / VANISHED), the expunge log and MODSEQ move on, and the bytes
/// go at the next reclaim pass. Without it spam that the filters file into Junk would fill the account's quota forever.
/// </summary>
public sealed class MailboxAutoExpunger(IMailDirectory directory, IMailboxIndex mailboxes, RetentionOptions options, TimeProvider time,
    MailboxChangeNotifier? notifier = null)
{
    /// <summary>UIDs expunged per index call.</summary>
    public const int ExpungeBatch = 1000;

    /// <summary>Expunges every message past its mailbox's retention in every account; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        if (options.Junk <= TimeSpan.Zero && options.Trash <= TimeSpan.Zero) return 0;
        DateTimeOffset now = time.GetUtcNow();
        int expunged = 0;
        foreach (Account account in await directory.ListAccountsAsync(null, cancellationToken).ConfigureAwait(false))
        {
            expunged += await SweepAccountAsync(account.Address, now, cancellationToken).ConfigureAwait(false);
        }
        return expunged;
    }

    private async Task<int> SweepAccountAsync(string account, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int expunged = 0;
        foreach (MailboxInfo mailbox in await mailboxes.ListMailboxesAsync(account, cancellationToken).ConfigureAwait(false))
        {
            TimeSpan keep = mailbox.SpecialUse switch
            {
                SpecialUse.Junk => options.Junk,
                SpecialUse.Trash => options.Trash,
                _ => TimeSpan.Zero,
            };
            if (keep <= TimeSpan.Zero || mailbox.Messages == 0) continue;
            try
            {
                expunged += await ExpungeOlderAsync(account, mailbox.Name, now - keep, cancellationToken).ConfigureAwait(false);
            }
            catch (MailboxNotFoundException)
            {
                // Deleted or renamed meanwhile (by its user, or the account's removal): nothing of it is left to expunge here.
            }
        }
        if (expunged > 0) notifier?.Notify(account);
        return expunged;
    }

    private async Task<int> ExpungeOlderAsync(string account, string mailbox, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var old = (await mailboxes.GetMessagesAsync(account, mailbox, cancellationToken).ConfigureAwait(false))
            .Where(m => (m.SaveDate ?? m.InternalDate) < cutoff).Select(m => m.Uid).ToList();
        int expunged = 0;
        foreach (uint[] batch in old.Chunk(ExpungeBatch))
        {
            expunged += (await mailboxes.ExpungeAsync(account, mailbox, batch, cancellationToken).ConfigureAwait(false)).Count;
        }
        return expunged;
    }
}
