using CloudMail.Core.Auth;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;

namespace CloudMail.Core.Directory;

/// <summary>
/// Admin operations that span the directory and the mailbox index: creating a user also creates its
/// default mailboxes; removing one erases its data. Used by the CLI and by tests.
/// </summary>
public sealed class AccountAdministration(IMailDirectory directory, IMailboxIndex mailboxes, IDeliveryLog deliveryLog, AuthOptions options,
    VerifiedCredentialCache? credentials = null)
{
    /// <summary>
    /// Creates <paramref name="address"/> with a hashed <paramref name="password"/> and the default
    /// mailboxes (INBOX, Sent, Drafts, Trash, Junk). Throws <see cref="ArgumentException"/> for an
    /// implausible address or a password shorter than <see cref="AuthOptions.MinimumPasswordLength"/> or holding a control
    /// character, and what <see cref="IMailDirectory.AddAccountAsync"/> throws.
    /// The default mailboxes are also subscribed. When creating the mailboxes fails, the account is removed again and the
    /// failure rethrown, so a failed call leaves nothing behind.
    /// </summary>
    public async Task AddUserAsync(string address, string password, CancellationToken cancellationToken)
    {
        address = MailAddresses.Normalize(address);
        if (!MailAddresses.IsPlausible(address)) throw new ArgumentException($"'{address}' is not a valid address.", nameof(address));
        CheckPassword(password);
        await directory.AddAccountAsync(address, PasswordHasher.Hash(password, options.PasswordHashIterations), cancellationToken).ConfigureAwait(false);
        try
        {
            await mailboxes.EnsureDefaultMailboxesAsync(address, cancellationToken).ConfigureAwait(false);
            // Clients such as Thunderbird show only subscribed folders by default.
            foreach (var (name, _) in DefaultMailboxes.ForNewAccount)
                await mailboxes.SetSubscribedAsync(address, name, true, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Nothing half-made stays behind: an account without its mailboxes could log in but not receive mail.
            await directory.RemoveAccountAsync(address, CancellationToken.None).ConfigureAwait(false);
            await mailboxes.DeleteAccountDataAsync(address, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Replaces the password. Throws <see cref="ArgumentException"/> for a password shorter than
    /// <see cref="AuthOptions.MinimumPasswordLength"/> or holding a control character, and <see cref="DirectoryEntryNotFoundException"/> for an unknown user.
    /// </summary>
    public Task SetPasswordAsync(string address, string password, CancellationToken cancellationToken)
    {
        CheckPassword(password);
        return directory.SetPasswordHashAsync(MailAddresses.Normalize(address), PasswordHasher.Hash(password, options.PasswordHashIterations), cancellationToken);
    }

    /// <summary>
    /// Disables (<paramref name="disabled"/> true) or enables the account (<see cref="Account.Disabled"/>); idempotent. On
    /// disable, this process's <see cref="VerifiedCredentialCache"/> drops the account's entries (another process's cache
    /// cannot be reached, but every login reads the account's state before its cache, so it refuses the login all the same
    /// once its directory cache has expired). Throws <see cref="DirectoryEntryNotFoundException"/> for an unknown user.
    /// </summary>
    public async Task SetDisabledAsync(string address, bool disabled, CancellationToken cancellationToken)
    {
        address = MailAddresses.Normalize(address);
        await directory.SetDisabledAsync(address, disabled, cancellationToken).ConfigureAwait(false);
        if (disabled) credentials?.Forget(address);
    }

    /// <summary>
    /// Removes the account and erases what is kept about it (GDPR Art. 17): its directory entry, its place as the target of
    /// any alias (an alias left with no target is gone, so its mail is refused at RCPT rather than accepted for nobody), every mailbox index row
    /// (<see cref="IMailboxIndex.DeleteAccountDataAsync"/>: mailboxes, messages, logs, subscriptions, append keys) and its
    /// delivery-log records as a recipient. The bytes of its messages that no other account holds are deleted by the next
    /// <see cref="Blobs.MessageReclaimer"/> pass (their reclaim candidates are due at once). API keys belong to domains, not
    /// accounts, and stay. The erasure runs even when the directory entry is already gone, so repeating the command
    /// completes an interrupted one. Returns false when the directory had no such account.
    /// </summary>
    public async Task<bool> RemoveUserAsync(string address, CancellationToken cancellationToken)
    {
        address = MailAddresses.Normalize(address);
        bool removed = await directory.RemoveAccountAsync(address, cancellationToken).ConfigureAwait(false);
        credentials?.Forget(address);
        foreach (Alias alias in await directory.ListAliasesAsync(null, cancellationToken).ConfigureAwait(false))
        {
            if (MailAddresses.Normalize(alias.Target) == address)
                await directory.RemoveAliasAsync(alias.Address, alias.Target, cancellationToken).ConfigureAwait(false);
        }
        await mailboxes.DeleteAccountDataAsync(address, cancellationToken).ConfigureAwait(false);
        await deliveryLog.ForgetRecipientAsync(address, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <summary>
    /// The password policy for newly set passwords (not for logins: existing shorter passwords keep working): at least
    /// <see cref="AuthOptions.MinimumPasswordLength"/> characters and no control character. A control character cannot be
    /// typed by a user and cannot reach the server in every mechanism (NUL separates SASL PLAIN's fields, RFC 4616 §2;
    /// CR and LF end an IMAP quoted string, RFC 9051 §4.3), so a password holding one could never log in everywhere;
    /// RFC 8265 §4.2 (OpaqueString, the profile for passwords) disallows them.
    /// </summary>
    private void CheckPassword(string password)
    {
        int length = string.IsNullOrEmpty(password) ? 0 : password.EnumerateRunes().Count();
        if (length < options.MinimumPasswordLength)
            throw new ArgumentException($"the password must be at least {options.MinimumPasswordLength} characters long, not {length} (CloudMail:Auth:MinimumPasswordLength)");
        if (password.Any(char.IsControl))
            throw new ArgumentException("the password must not contain control characters (NUL, tab, CR, LF and the like): no client could send it at every login");
    }
}
