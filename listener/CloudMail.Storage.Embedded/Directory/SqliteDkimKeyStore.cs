using CloudMail.Core.Dkim;
using CloudMail.Core.Directory;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Directory;

/// <summary>
/// <see cref="IDkimKeyStore"/> as the <c>dkim_keys</c> table of mail.db; each write is one transaction. Embedded mode keeps
/// PEM keys only: a key held elsewhere (<see cref="DkimKey.RemoteKeyId"/>, Azure Key Vault) is refused with
/// <see cref="ArgumentException"/> rather than stored without the id it needs to sign.
/// </summary>
internal sealed class SqliteDkimKeyStore(SqliteDatabase db) : IDkimKeyStore
{
    private const string Columns = "domain, selector, algorithm, private_key_pem, created_at, active";

    /// <summary>Throws <see cref="DirectoryConflictException"/> when the domain already has the selector.</summary>
    public Task AddAsync(DkimKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.IsRemote) throw new ArgumentException("Embedded storage keeps PEM DKIM keys only, not keys held in a key vault.", nameof(key));
        string domain = DirectoryKeys.Domain(key.Domain);
        string selector = DkimSelector.Normalize(key.Selector);
        return db.WriteAsync(c =>
        {
            int added = c.Execute($"""
                INSERT INTO dkim_keys ({Columns}) VALUES (@d, @s, @alg, @pem, @created, @active)
                ON CONFLICT (domain, selector) DO NOTHING
                """, ("@d", domain), ("@s", selector), ("@alg", key.Algorithm.ToString()), ("@pem", key.PrivateKeyPem),
                ("@created", StoredTime.ToTicks(key.CreatedAt)), ("@active", key.Active ? 1 : 0));
            if (added == 0) throw new DirectoryConflictException($"Domain '{domain}' already has a DKIM key with selector '{selector}'.");
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DkimKey>> ListAsync(string domain, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM dkim_keys WHERE domain = @d ORDER BY created_at, selector", domain, cancellationToken);

    public Task<IReadOnlyList<DkimKey>> ActiveKeysAsync(string domain, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM dkim_keys WHERE domain = @d AND active = 1 ORDER BY created_at DESC, selector", domain, cancellationToken);

    public Task<bool> DeactivateAsync(string domain, string selector, CancellationToken cancellationToken) =>
        ChangeAsync("UPDATE dkim_keys SET active = 0 WHERE domain = @d AND selector = @s", domain, selector, cancellationToken);

    public Task<bool> RemoveAsync(string domain, string selector, CancellationToken cancellationToken) =>
        ChangeAsync("DELETE FROM dkim_keys WHERE domain = @d AND selector = @s", domain, selector, cancellationToken);

    private Task<IReadOnlyList<DkimKey>> QueryAsync(string sql, string domain, CancellationToken cancellationToken)
    {
        string name = DirectoryKeys.Domain(domain);
        return db.ReadAsync<IReadOnlyList<DkimKey>>(c => c.Query(sql, Read, ("@d", name)), cancellationToken);
    }

    private Task<bool> ChangeAsync(string sql, string domain, string selector, CancellationToken cancellationToken)
    {
        string name = DirectoryKeys.Domain(domain);
        if (!DkimSelector.IsValid(selector?.Trim())) return Task.FromResult(false);
        string key = selector!.Trim().ToLowerInvariant();
        return db.WriteAsync(c => c.Execute(sql, ("@d", name), ("@s", key)) == 1, cancellationToken);
    }

    private static DkimKey Read(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), Enum.Parse<DkimAlgorithm>(r.GetString(2)),
        r.GetString(3), StoredTime.FromTicks(r.GetInt64(4)), r.GetInt64(5) != 0);
}
