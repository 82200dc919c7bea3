using CloudMail.Core.SendApi;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Directory;

/// <summary>
/// The SQLite file of the API key stores (<see cref="SqliteApiKeyStore"/>, <see cref="SqliteAdminKeyStore"/>): WAL,
/// synchronous=FULL and a busy timeout so that <c>cloudmail apikey|admin-key ...</c> can run while <c>serve</c> runs. One
/// connection per store, opened with the store's schema on first use and used by one operation at a time.
/// </summary>
internal sealed class SqliteKeyDatabase(string path, string schema) : IDisposable
{
    private const int BusyTimeoutMilliseconds = 10_000;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private bool _disposed;

    /// <summary>Runs one statement group under the gate, opening the database (and its schema) on first use.</summary>
    public async Task<T> RunAsync<T>(Func<SqliteConnection, T> operation, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _connection ??= Open(path, schema);
            return operation(_connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes the row of <paramref name="keyId"/> from <paramref name="table"/> (a constant); false when there was none or the id is malformed.</summary>
    public async Task<bool> DeleteKeyAsync(string table, string keyId, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.IsKeyId(keyId)) return false;
        int deleted = await RunAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"DELETE FROM {table} WHERE key_id = $id";
            command.Parameters.AddWithValue("$id", keyId);
            return command.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    /// <summary>The stored precision of creation times.</summary>
    public static DateTimeOffset TruncateToMilliseconds(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());

    private static SqliteConnection Open(string path, string schema)
    {
        Files.DataFolder.Prepare(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Files.DataFolder.EnsureDatabaseFile(path);
        Sqlite.SqliteLibrarySettings.EnsureApplied();
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
                {schema}
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
