using CloudMail.Core.Auth;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;

namespace CloudMail.Core.Directory;

/// <summary>
/// Admin operations that span the directory and the mailbox index: creating a user also creates its
/// default mailboxes; removing one removes its mailbox data. Used by the CLI and by tests.
/// </summary>
public sealed class AccountAdministration(IMailDirectory directory, IMailboxIndex mailboxes, AuthOptions options)
{
    /// <summary>
    /// Creates <paramref name="address"/> with a hashed <paramref name="password"/> and the default
    /// mailboxes (INBOX, Sent, Drafts, Trash, Junk). Throws <see cref="ArgumentException"/> for an
    /// implausible address or a password shorter than <see cref="AuthOptions.MinimumPasswordLength"/>, and what <see cref="IMailDirectory.AddAccountAsync"/> throws.
    /// The default mailboxes are also subscribed.
    /// </summary>
    public async Task AddUserAsync(string address, string password, CancellationToken cancellationToken)
    {
        address = MailAddresses.Normalize(address);
        if (!MailAddresses.IsPlausible(address)) throw new ArgumentException($"'{address}' is not a valid address.", nameof(address));
        CheckPassword(password);
        await directory.AddAccountAsync(address, PasswordHasher.Hash(password, options.PasswordHashIterations), cancellationToken).ConfigureAwait(false);
        await mailboxes.EnsureDefaultMailboxesAsync(address, cancellationToken).ConfigureAwait(false);
        // Clients such as Thunderbird show only subscribed folders by default.
        foreach (var (name, _) in DefaultMailboxes.ForNewAccount)
            await mailboxes.SetSubscribedAsync(address, name, true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the password. Throws <see cref="ArgumentException"/> for a password shorter than
    /// <see cref="AuthOptions.MinimumPasswordLength"/> and <see cref="DirectoryEntryNotFoundException"/> for an unknown user.
    /// </summary>
    public Task SetPasswordAsync(string address, string password, CancellationToken cancellationToken)
    {
        CheckPassword(password);
        return directory.SetPasswordHashAsync(MailAddresses.Normalize(address), PasswordHasher.Hash(password, options.PasswordHashIterations), cancellationToken);
    }

    /// <summary>Removes the account and its mailbox index entries. Returns false when it did not exist.</summary>
    public async Task<bool> RemoveUserAsync(string address, CancellationToken cancellationToken)
    {
        address = MailAddresses.Normalize(address);
        bool removed = await directory.RemoveAccountAsync(address, cancellationToken).ConfigureAwait(false);
        if (removed) await mailboxes.DeleteAccountDataAsync(address, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <summary>The password policy for newly set passwords (not for logins: existing shorter passwords keep working).</summary>
    private void CheckPassword(string password)
    {
        int length = string.IsNullOrEmpty(password) ? 0 : password.EnumerateRunes().Count();
        if (length < options.MinimumPasswordLength)
            throw new ArgumentException($"the password must be at least {options.MinimumPasswordLength} characters long, not {length} (CloudMail:Auth:MinimumPasswordLength)");
    }
}
