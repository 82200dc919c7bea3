namespace CloudMail.Core.Directory;

/// <summary>
/// Domains, accounts, aliases and API keys. All addresses and domains are compared case-insensitively;
/// implementations store them lower-cased. Embedded: SQLite. Azure: Table storage.
/// </summary>
public interface IMailDirectory
{
    /// <summary>Adds a local domain. Idempotent: adding an existing domain is a no-op.</summary>
    Task AddDomainAsync(string domain, CancellationToken cancellationToken);

    /// <summary>
    /// Removes a domain. Throws <see cref="DirectoryConflictException"/> while accounts or aliases of the
    /// domain remain. Returns false when the domain did not exist.
    /// </summary>
    Task<bool> RemoveDomainAsync(string domain, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken cancellationToken);

    Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken);

    /// <summary>
    /// Creates an account. Throws <see cref="DirectoryConflictException"/> if the address exists as an
    /// account, and <see cref="DirectoryEntryNotFoundException"/> if its domain is not a local domain.
    /// </summary>
    Task AddAccountAsync(string address, string passwordHash, CancellationToken cancellationToken);

    /// <summary>Removes an account; returns false when it did not exist. Mail data is not removed here.</summary>
    Task<bool> RemoveAccountAsync(string address, CancellationToken cancellationToken);

    Task<Account?> GetAccountAsync(string address, CancellationToken cancellationToken);

    /// <summary>Accounts of one domain, or of all domains when <paramref name="domain"/> is null, sorted.</summary>
    Task<IReadOnlyList<Account>> ListAccountsAsync(string? domain, CancellationToken cancellationToken);

    /// <summary>Replaces the password hash. Throws <see cref="DirectoryEntryNotFoundException"/> for an unknown account.</summary>
    Task SetPasswordHashAsync(string address, string passwordHash, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the account's own quota limits (<see cref="Account.Quota"/>; a null value means the configured default
    /// applies, 0 means unlimited). Throws <see cref="DirectoryEntryNotFoundException"/> for an unknown account and
    /// <see cref="ArgumentOutOfRangeException"/> for a negative limit.
    /// </summary>
    Task SetQuotaAsync(string address, AccountQuota quota, CancellationToken cancellationToken);

    /// <summary>
    /// Disables (<paramref name="disabled"/> true) or enables the account (<see cref="Account.Disabled"/>). Idempotent. Throws
    /// <see cref="DirectoryEntryNotFoundException"/> for an unknown account. Password, quota and mail are kept as they are.
    /// </summary>
    Task SetDisabledAsync(string address, bool disabled, CancellationToken cancellationToken);

    /// <summary>
    /// Adds alias <paramref name="alias"/> → <paramref name="target"/> (an address, local or remote). An alias
    /// may have several targets. <paramref name="alias"/> may be <c>@domain</c> for a catch-all. Idempotent.
    /// Throws <see cref="DirectoryEntryNotFoundException"/> if the alias's domain is not local.
    /// </summary>
    Task AddAliasAsync(string alias, string target, CancellationToken cancellationToken);

    /// <summary>Removes one target of an alias, or all targets when <paramref name="target"/> is null.</summary>
    Task<bool> RemoveAliasAsync(string alias, string? target, CancellationToken cancellationToken);

    /// <summary>All aliases of a domain (or all) as (alias, target) pairs, sorted.</summary>
    Task<IReadOnlyList<Alias>> ListAliasesAsync(string? domain, CancellationToken cancellationToken);

    /// <summary>Targets of exactly this alias key (no expansion, no catch-all fallback); empty when none.</summary>
    Task<IReadOnlyList<string>> GetAliasTargetsAsync(string alias, CancellationToken cancellationToken);
}

/// <summary>A mailbox account.</summary>
/// <param name="Address">Lower-cased address; also the login name.</param>
/// <param name="PasswordHash">Output of <see cref="Auth.PasswordHasher.Hash"/>; never a plaintext password.</param>
/// <param name="Quota">
/// The account's own storage limits (<see cref="IMailDirectory.SetQuotaAsync"/>); null, like each null value in it, means
/// the configured default (<see cref="Quotas.QuotaOptions"/>) applies.
/// </param>
/// <param name="Disabled">
/// True when an administrator disabled the account (<see cref="IMailDirectory.SetDisabledAsync"/>): every login fails as a wrong
/// password would (<see cref="Auth.Authenticator"/>), sessions already open are refused at their next command, and mail to
/// the address is still accepted and stored (as Postfix and Stalwart do for a disabled login), so enabling it again loses nothing.
/// </param>
public sealed record Account(string Address, string PasswordHash, DateTimeOffset CreatedAt, AccountQuota? Quota = null, bool Disabled = false);

/// <summary>
/// Per-account quota limits as the directory keeps them (RFC 9208 resources STORAGE and MESSAGE). Each value: null = the
/// configured default, 0 = unlimited, otherwise the limit.
/// </summary>
/// <param name="StorageBytes">Bytes of all messages in all the account's mailboxes.</param>
/// <param name="Messages">Number of messages in all the account's mailboxes.</param>
public sealed record AccountQuota(long? StorageBytes, long? Messages)
{
    /// <summary>No limit of its own: both defaults apply.</summary>
    public static readonly AccountQuota Default = new(null, null);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a limit is negative.</summary>
    public void Validate()
    {
        if (StorageBytes < 0) throw new ArgumentOutOfRangeException(nameof(StorageBytes), StorageBytes, "A storage limit cannot be negative.");
        if (Messages < 0) throw new ArgumentOutOfRangeException(nameof(Messages), Messages, "A message limit cannot be negative.");
    }
}

/// <summary>One alias → target mapping.</summary>
public sealed record Alias(string Address, string Target);

/// <summary>The operation conflicts with existing directory state (duplicate, still in use).</summary>
public sealed class DirectoryConflictException(string message) : Exception(message);

/// <summary>A domain or account the operation needs does not exist.</summary>
public sealed class DirectoryEntryNotFoundException(string message) : Exception(message);
