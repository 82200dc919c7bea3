using CloudMail.Core.Directory;
using CloudMail.Core.SendApi;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Directory;

/// <summary>
/// <see cref="IApiKeyStore"/> in its own SQLite database, DataDirectory/cloudmail-apikeys.db (WAL, synchronous=FULL,
/// busy timeout; <see cref="SqliteKeyDatabase"/>), so that <c>cloudmail apikey ...</c> can run while <c>serve</c> runs. One table
/// keyed by key id; only the SHA-256 of each secret is stored.
/// </summary>
public sealed class SqliteApiKeyStore : IApiKeyStore, IDisposable
{
    /// <summary>File name inside the data directory.</summary>
    public const string FileName = "cloudmail-apikeys.db";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS api_keys (
            key_id        TEXT    NOT NULL PRIMARY KEY,
            domain        TEXT    NOT NULL,
            secret_sha256 TEXT    NOT NULL,
            created_at    INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS api_keys_by_domain ON api_keys (domain, created_at);
        """;

    private readonly SqliteKeyDatabase _database;
    private readonly TimeProvider _time;

    public SqliteApiKeyStore(string dataDirectory, TimeProvider time)
    {
        _database = new SqliteKeyDatabase(Path.Combine(dataDirectory, FileName), Schema);
        _time = time;
    }

    public async Task<CreatedApiKey> CreateAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        var (keyId, secret, key) = ApiKeyFormat.NewKey();
        var info = new ApiKeyInfo(keyId, domain.Trim().ToLowerInvariant(), SqliteKeyDatabase.TruncateToMilliseconds(_time.GetUtcNow()));
        await _database.RunAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO api_keys (key_id, domain, secret_sha256, created_at) VALUES ($id, $domain, $hash, $created)";
            command.Parameters.AddWithValue("$id", info.KeyId);
            command.Parameters.AddWithValue("$domain", info.Domain);
            command.Parameters.AddWithValue("$hash", ApiKeyFormat.HashSecret(secret));
            command.Parameters.AddWithValue("$created", info.CreatedAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
        return new CreatedApiKey(info, key);
    }

    public async Task<ApiKeyInfo?> VerifyAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.TryParse(presentedKey, out string keyId, out string secret)) return null;
        var row = await _database.RunAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT domain, secret_sha256, created_at FROM api_keys WHERE key_id = $id";
            command.Parameters.AddWithValue("$id", keyId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? (Domain: reader.GetString(0), Hash: reader.GetString(1), Created: reader.GetInt64(2)) : default;
        }, cancellationToken).ConfigureAwait(false);
        if (row.Domain is null || !ApiKeyFormat.SecretMatches(secret, row.Hash)) return null;
        return new ApiKeyInfo(keyId, row.Domain, DateTimeOffset.FromUnixTimeMilliseconds(row.Created));
    }

    public Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string domain, CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<ApiKeyInfo>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT key_id, domain, created_at FROM api_keys WHERE domain = $domain ORDER BY created_at, key_id";
            command.Parameters.AddWithValue("$domain", domain.Trim().ToLowerInvariant());
            using var reader = command.ExecuteReader();
            var list = new List<ApiKeyInfo>();
            while (reader.Read()) list.Add(new ApiKeyInfo(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
            return list;
        }, cancellationToken);

    public Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken) => _database.DeleteKeyAsync("api_keys", keyId, cancellationToken);

    public void Dispose() => _database.Dispose();
}
