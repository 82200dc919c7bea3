using CloudMail.Core.Directory;
using CloudMail.Core.Messages;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Directory;

/// <summary>
/// <see cref="IMailDirectory"/> in SQLite. Every address and domain is trimmed and lower-cased before it is
/// stored or looked up. Each write is one transaction, so the existence checks and the insert are atomic.
/// </summary>
internal sealed class SqliteMailDirectory(SqliteDatabase db, TimeProvider time) : IMailDirectory
{
    public Task AddDomainAsync(string domain, CancellationToken cancellationToken)
    {
        string name = DirectoryKeys.Domain(domain);
        long now = StoredTime.ToTicks(time.GetUtcNow());
        return db.WriteAsync(c => c.Execute(
            "INSERT INTO domains (name, created_at) VALUES (@name, @now) ON CONFLICT (name) DO NOTHING",
            ("@name", name), ("@now", now)), cancellationToken);
    }

    /// <summary>Throws <see cref="DirectoryConflictException"/> while accounts or aliases of the domain remain.</summary>
    public Task<bool> RemoveDomainAsync(string domain, CancellationToken cancellationToken)
    {
        string name = DirectoryKeys.Domain(domain);
        return db.WriteAsync(c =>
        {
            long accounts = c.ScalarInt64("SELECT COUNT(*) FROM accounts WHERE domain = @d", ("@d", name));
            long aliases = c.ScalarInt64("SELECT COUNT(*) FROM aliases WHERE domain = @d", ("@d", name));
            if (accounts + aliases > 0)
            {
                throw new DirectoryConflictException(
                    $"Domain '{name}' still has {accounts} account(s) and {aliases} alias target(s).");
            }
            return c.Execute("DELETE FROM domains WHERE name = @d", ("@d", name)) == 1;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<string>>(
            c => c.Query("SELECT name FROM domains ORDER BY name", r => r.GetString(0)), cancellationToken);

    public Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken)
    {
        string name = DirectoryKeys.Domain(domain);
        return db.ReadAsync(c => IsLocal(c, name), cancellationToken);
    }

    /// <summary>
    /// Throws <see cref="DirectoryEntryNotFoundException"/> when the domain is not local and
    /// <see cref="DirectoryConflictException"/> when the account exists.
    /// </summary>
    public Task AddAccountAsync(string address, string passwordHash, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(address);
        string domain = DirectoryKeys.RequireDomainPart(key);
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        long now = StoredTime.ToTicks(time.GetUtcNow());
        return db.WriteAsync(c =>
        {
            RequireLocal(c, domain);
            int added = c.Execute("""
                INSERT INTO accounts (address, domain, password_hash, created_at) VALUES (@a, @d, @h, @now)
                ON CONFLICT (address) DO NOTHING
                """, ("@a", key), ("@d", domain), ("@h", passwordHash), ("@now", now));
            if (added == 0) throw new DirectoryConflictException($"Account '{key}' already exists.");
        }, cancellationToken);
    }

    public Task<bool> RemoveAccountAsync(string address, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(address);
        return db.WriteAsync(c => c.Execute("DELETE FROM accounts WHERE address = @a", ("@a", key)) == 1, cancellationToken);
    }

    public Task<Account?> GetAccountAsync(string address, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(address);
        return db.ReadAsync(c => c.QueryFirstOrDefault(
            $"SELECT {AccountColumns} FROM accounts WHERE address = @a", ReadAccount, ("@a", key)),
            cancellationToken);
    }

    public Task<IReadOnlyList<Account>> ListAccountsAsync(string? domain, CancellationToken cancellationToken)
    {
        string? name = domain is null ? null : DirectoryKeys.Domain(domain);
        return db.ReadAsync<IReadOnlyList<Account>>(c => c.Query($"""
            SELECT {AccountColumns} FROM accounts
            WHERE @d IS NULL OR domain = @d ORDER BY address
            """, ReadAccount, ("@d", name)), cancellationToken);
    }

    /// <summary>Throws <see cref="DirectoryEntryNotFoundException"/> for an unknown account.</summary>
    public Task SetPasswordHashAsync(string address, string passwordHash, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(address);
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        return db.WriteAsync(c =>
        {
            int changed = c.Execute("UPDATE accounts SET password_hash = @h WHERE address = @a", ("@h", passwordHash), ("@a", key));
            if (changed == 0) throw new DirectoryEntryNotFoundException($"Account '{key}' does not exist.");
        }, cancellationToken);
    }

    /// <summary>Throws <see cref="DirectoryEntryNotFoundException"/> for an unknown account.</summary>
    public Task SetQuotaAsync(string address, AccountQuota quota, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quota);
        quota.Validate();
        string key = DirectoryKeys.Address(address);
        return db.WriteAsync(c =>
        {
            int changed = c.Execute("UPDATE accounts SET quota_storage_bytes = @s, quota_messages = @m WHERE address = @a",
                ("@s", quota.StorageBytes), ("@m", quota.Messages), ("@a", key));
            if (changed == 0) throw new DirectoryEntryNotFoundException($"Account '{key}' does not exist.");
        }, cancellationToken);
    }

    /// <summary>Throws <see cref="DirectoryEntryNotFoundException"/> for an unknown account.</summary>
    public Task SetDisabledAsync(string address, bool disabled, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(address);
        return db.WriteAsync(c =>
        {
            int changed = c.Execute("UPDATE accounts SET disabled = @x WHERE address = @a", ("@x", disabled ? 1 : 0), ("@a", key));
            if (changed == 0) throw new DirectoryEntryNotFoundException($"Account '{key}' does not exist.");
        }, cancellationToken);
    }

    /// <summary>Idempotent. Throws <see cref="DirectoryEntryNotFoundException"/> when the alias's domain is not local.</summary>
    public Task AddAliasAsync(string alias, string target, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(alias);
        string domain = DirectoryKeys.RequireDomainPart(key);
        string to = DirectoryKeys.Address(target);
        return db.WriteAsync(c =>
        {
            RequireLocal(c, domain);
            c.Execute("INSERT INTO aliases (alias, target, domain) VALUES (@a, @t, @d) ON CONFLICT DO NOTHING",
                ("@a", key), ("@t", to), ("@d", domain));
        }, cancellationToken);
    }

    public Task<bool> RemoveAliasAsync(string alias, string? target, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(alias);
        string? to = target is null ? null : DirectoryKeys.Address(target);
        return db.WriteAsync(c => c.Execute(
            "DELETE FROM aliases WHERE alias = @a AND (@t IS NULL OR target = @t)", ("@a", key), ("@t", to)) > 0,
            cancellationToken);
    }

    public Task<IReadOnlyList<Alias>> ListAliasesAsync(string? domain, CancellationToken cancellationToken)
    {
        string? name = domain is null ? null : DirectoryKeys.Domain(domain);
        return db.ReadAsync<IReadOnlyList<Alias>>(c => c.Query(
            "SELECT alias, target FROM aliases WHERE @d IS NULL OR domain = @d ORDER BY alias, target",
            r => new Alias(r.GetString(0), r.GetString(1)), ("@d", name)), cancellationToken);
    }

    public Task<IReadOnlyList<string>> GetAliasTargetsAsync(string alias, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(alias);
        return db.ReadAsync<IReadOnlyList<string>>(c => c.Query(
            "SELECT target FROM aliases WHERE alias = @a ORDER BY target", r => r.GetString(0), ("@a", key)),
            cancellationToken);
    }

    private const string AccountColumns = "address, password_hash, created_at, quota_storage_bytes, quota_messages, disabled";

    private static Account ReadAccount(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), StoredTime.FromTicks(r.GetInt64(2)), ReadQuota(r), r.GetInt64(5) != 0);

    /// <summary>Null when the account has no limit of its own.</summary>
    private static AccountQuota? ReadQuota(SqliteDataReader r)
    {
        long? storage = r.IsDBNull(3) ? null : r.GetInt64(3);
        long? messages = r.IsDBNull(4) ? null : r.GetInt64(4);
        return storage is null && messages is null ? null : new AccountQuota(storage, messages);
    }

    private static bool IsLocal(SqliteConnection c, string domain) =>
        c.ScalarInt64("SELECT COUNT(*) FROM domains WHERE name = @d", ("@d", domain)) > 0;

    private static void RequireLocal(SqliteConnection c, string domain)
    {
        if (!IsLocal(c, domain)) throw new DirectoryEntryNotFoundException($"Domain '{domain}' is not a local domain.");
    }
}
