using CloudMail.Core.Directory;
using CloudMail.Core.SendApi;

namespace CloudMail.Storage.Embedded.Directory;

/// <summary>
/// <see cref="IAdminKeyStore"/> in table <c>admin_keys</c> of the send API keys' database, DataDirectory/cloudmail-apikeys.db
/// (<see cref="SqliteKeyDatabase"/>). One row per key id: scopes (space-separated), the SHA-256 of the secret, created.
/// </summary>
public sealed class SqliteAdminKeyStore : IAdminKeyStore, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS admin_keys (
            key_id        TEXT    NOT NULL PRIMARY KEY,
            scopes        TEXT    NOT NULL,
            secret_sha256 TEXT    NOT NULL,
            created_at    INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    private readonly SqliteKeyDatabase _database;
    private readonly TimeProvider _time;

    public SqliteAdminKeyStore(string dataDirectory, TimeProvider time)
    {
        _database = new SqliteKeyDatabase(Path.Combine(dataDirectory, SqliteApiKeyStore.FileName), Schema);
        _time = time;
    }

    public async Task<CreatedAdminKey> CreateAsync(IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        if (scopes.Count == 0) throw new ArgumentException("an admin key needs at least one scope", nameof(scopes));
        var (keyId, secret, key) = ApiKeyFormat.NewKey(ApiKeyFormat.AdminPrefix);
        var info = new AdminKeyInfo(keyId, [.. scopes.Order(StringComparer.Ordinal)], SqliteKeyDatabase.TruncateToMilliseconds(_time.GetUtcNow()));
        await _database.RunAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO admin_keys (key_id, scopes, secret_sha256, created_at) VALUES ($id, $scopes, $hash, $created)";
            command.Parameters.AddWithValue("$id", info.KeyId);
            command.Parameters.AddWithValue("$scopes", string.Join(' ', info.Scopes));
            command.Parameters.AddWithValue("$hash", ApiKeyFormat.HashSecret(secret));
            command.Parameters.AddWithValue("$created", info.CreatedAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
        return new CreatedAdminKey(info, key);
    }

    public async Task<AdminKeyInfo?> VerifyAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.TryParse(presentedKey, ApiKeyFormat.AdminPrefix, out string keyId, out string secret)) return null;
        var row = await _database.RunAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT scopes, secret_sha256, created_at FROM admin_keys WHERE key_id = $id";
            command.Parameters.AddWithValue("$id", keyId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? (Scopes: reader.GetString(0), Hash: reader.GetString(1), Created: reader.GetInt64(2)) : default;
        }, cancellationToken).ConfigureAwait(false);
        if (row.Scopes is null || !ApiKeyFormat.SecretMatches(secret, row.Hash)) return null;
        return new AdminKeyInfo(keyId, row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), DateTimeOffset.FromUnixTimeMilliseconds(row.Created));
    }

    public Task<IReadOnlyList<AdminKeyInfo>> ListAsync(CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<AdminKeyInfo>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT key_id, scopes, created_at FROM admin_keys ORDER BY created_at, key_id";
            using var reader = command.ExecuteReader();
            var list = new List<AdminKeyInfo>();
            while (reader.Read())
                list.Add(new AdminKeyInfo(reader.GetString(0), reader.GetString(1).Split(' ', StringSplitOptions.RemoveEmptyEntries), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
            return list;
        }, cancellationToken);

    public Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken) => _database.DeleteKeyAsync("admin_keys", keyId, cancellationToken);

    public void Dispose() => _database.Dispose();
}
