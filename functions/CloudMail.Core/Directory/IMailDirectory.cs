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
public sealed record Account(string Address, string PasswordHash, DateTimeOffset CreatedAt);

/// <summary>One alias → target mapping.</summary>
public sealed record Alias(string Address, string Target);

/// <summary>The operation conflicts with existing directory state (duplicate, still in use).</summary>
public sealed class DirectoryConflictException(string message) : Exception(message);

/// <summary>A domain or account the operation needs does not exist.</summary>
public sealed class DirectoryEntryNotFoundException(string message) : Exception(message);
