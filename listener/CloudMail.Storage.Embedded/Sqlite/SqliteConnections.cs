using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Sqlite;

/// <summary>Opens connections with the settings every CloudMail database needs.</summary>
internal static class SqliteConnections
{
    /// <summary>How long a statement waits for another process's write lock before failing with SQLITE_BUSY.</summary>
    public const int BusyTimeoutMilliseconds = 10_000;

    /// <summary>
    /// Opens <paramref name="path"/> with foreign keys on, a busy timeout, and <c>synchronous=FULL</c>: in WAL
    /// mode FULL fsyncs the log on every commit, so a committed transaction survives power loss. NORMAL would
    /// not (it may lose the last commits), and our commits back SMTP 250 replies and queue settlements.
    /// Pooling is off so that disposing the store really closes the files. <c>secure_delete=ON</c>: deleted content
    /// (expunged small messages, removed password and key hashes) is overwritten with zeros instead of lingering in free
    /// pages. Its cost is extra writes when pages are freed, about the size of what is deleted; the hot paths delete
    /// little (a settled queue job is a few hundred bytes), a reclaimed message costs its size once more.
    /// </summary>
    public static SqliteConnection Open(string path)
    {
        SqliteLibrarySettings.EnsureApplied();
        string connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            connection.Execute($"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Switches the database file to write-ahead logging (persistent; readers never block the writer).</summary>
    public static void EnableWriteAheadLog(SqliteConnection connection)
    {
        string? mode = connection.Scalar("PRAGMA journal_mode = WAL") as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"SQLite refused WAL mode for '{connection.DataSource}' (journal_mode={mode}).");
        }
    }
}
