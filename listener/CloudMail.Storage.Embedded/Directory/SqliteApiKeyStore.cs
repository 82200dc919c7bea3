using CloudMail.Core.Directory;
using CloudMail.Core.SendApi;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Directory;

/// <summary>
/// <see cref="IApiKeyStore"/> in its own SQLite database, DataDirectory/cloudmail-apikeys.db (WAL, synchronous=FULL,
/// busy timeout), so that <c>cloudmail apikey ...</c> can run while <c>serve</c> runs. One table keyed by key id;
/// only the SHA-256 of each secret is stored. One connection, used by one operation at a time.
/// </summary>
public sealed class SqliteApiKeyStore : IApiKeyStore, IDisposable
{
    /// <summary>File name inside the data directory.</summary>
    public const string FileName = "cloudmail-apikeys.db";

    private const int BusyTimeoutMilliseconds = 10_000;

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private bool _disposed;

    public SqliteApiKeyStore(string dataDirectory, TimeProvider time)
    {
        _path = Path.Combine(dataDirectory, FileName);
        _time = time;
    }

    public async Task<CreatedApiKey> CreateAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        var (keyId, secret, key) = ApiKeyFormat.NewKey();
        var info = new ApiKeyInfo(keyId, domain.Trim().ToLowerInvariant(), TruncateToMilliseconds(_time.GetUtcNow()));
        await RunAsync(connection =>
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
        var row = await RunAsync(connection =>
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
        RunAsync<IReadOnlyList<ApiKeyInfo>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT key_id, domain, created_at FROM api_keys WHERE domain = $domain ORDER BY created_at, key_id";
            command.Parameters.AddWithValue("$domain", domain.Trim().ToLowerInvariant());
            using var reader = command.ExecuteReader();
            var list = new List<ApiKeyInfo>();
            while (reader.Read()) list.Add(new ApiKeyInfo(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
            return list;
        }, cancellationToken);

    public async Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.IsKeyId(keyId)) return false;
        int deleted = await RunAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM api_keys WHERE key_id = $id";
            command.Parameters.AddWithValue("$id", keyId);
            return command.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    /// <summary>Runs one statement group under the gate, opening the database (and its schema) on first use.</summary>
    private async Task<T> RunAsync<T>(Func<SqliteConnection, T> operation, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _connection ??= Open(_path);
            return operation(_connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static SqliteConnection Open(string path)
    {
        Files.DataFolder.Prepare(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Files.DataFolder.EnsureDatabaseFile(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString());
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                PRAGMA busy_timeout = {BusyTimeoutMilliseconds};
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS api_keys (
                    key_id        TEXT    NOT NULL PRIMARY KEY,
                    domain        TEXT    NOT NULL,
                    secret_sha256 TEXT    NOT NULL,
                    created_at    INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS api_keys_by_domain ON api_keys (domain, created_at);
                """;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            _disposed = true;
            _connection?.Dispose();
            _connection = null;
        }
        finally
        {
            _gate.Release();
        }
    }
}
