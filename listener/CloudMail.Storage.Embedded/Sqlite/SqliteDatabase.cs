using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Sqlite;

/// <summary>
/// One SQLite database file in WAL mode: a dedicated writer connection behind a
/// <see cref="GroupCommitWriter"/> and a small pool of reader connections. The schema is migrated when
/// the database is opened.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    private const int MaxIdleReaders = 8;

    private readonly GroupCommitWriter _writer;
    private readonly ReaderPool _readers;

    private SqliteDatabase(string path, GroupCommitWriter writer)
    {
        Path = path;
        _writer = writer;
        _readers = new ReaderPool(path, MaxIdleReaders);
    }

    public string Path { get; }

    /// <summary>Transactions committed by the writer so far (diagnostics and tests).</summary>
    public long Commits => _writer.Commits;

    /// <summary>Read transactions run so far (<see cref="ReadAsync"/>; diagnostics and tests).</summary>
    public long Reads => Interlocked.Read(ref _reads);

    private long _reads;

    /// <summary>Writes waiting for the writer thread (diagnostics and tests).</summary>
    public int PendingWrites => _writer.Pending;

    /// <summary>
    /// Opens (creating if needed, owner-only: <see cref="Files.DataFolder.EnsureDatabaseFile"/>) the database at
    /// <paramref name="path"/> and applies <paramref name="migrations"/>. A file SQLite finds damaged or not a database at
    /// all is an <see cref="InvalidDataException"/> naming it and what to do, since that message is all an operator sees of
    /// a <c>serve</c> or an admin command that cannot start ("cloudmail: cannot start: ...").
    /// </summary>
    public static SqliteDatabase Open(string path, IReadOnlyList<string> migrations)
    {
        Files.DataFolder.EnsureDatabaseFile(path);
        SqliteConnection? writer = null;
        try
        {
            writer = SqliteConnections.Open(path);
            SqliteConnections.EnableWriteAheadLog(writer);
            SchemaMigrator.Migrate(writer, migrations);
        }
        catch (SqliteException e) when ((e.SqliteErrorCode & 0xFF) is SqliteCorrupt or SqliteNotADatabase)
        {
            writer?.Dispose();
            throw new InvalidDataException($"The database {path} is damaged or is not a CloudMail database ({e.Message}); "
                + "restore the data folder from a backup ('cloudmail restore PATH' into an empty folder), or move the file away to start it anew.", e);
        }
        catch
        {
            writer?.Dispose();
            throw;
        }
        return new SqliteDatabase(path, new GroupCommitWriter(writer));
    }

    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    /// <summary>
    /// Runs <paramref name="work"/> on the writer connection inside a transaction shared with other
    /// concurrent writes (group commit). Completes after the commit is durable; exceptions thrown by
    /// <paramref name="work"/> roll back its own writes and are rethrown to the caller, a busy or locked database and I/O
    /// errors as <see cref="Core.Failures.TransientStorageException"/> (<see cref="EmbeddedFailures"/>).
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken) =>
        EmbeddedFailures.TranslateAsync(() => _writer.WriteAsync(work, cancellationToken));

    /// <summary>
    /// As <see cref="WriteAsync{T}(Func{SqliteConnection, T}, CancellationToken)"/>, but the commit is not fsynced
    /// when no synced write shares its batch: it survives a crash of this process at once, and an OS crash or power
    /// loss once any later synced commit has run (WAL frames are synced in order). For state a client can redo and
    /// that never backs a reclaim decision — message flags (Dovecot does not fsync flag changes either), the search index
    /// (derived; its queue entries leave in the same commit), queue leases and completions (a lost one brings an
    /// idempotent job back) — never for accepted mail.
    /// </summary>
    public Task<T> WriteUnsyncedAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken) =>
        EmbeddedFailures.TranslateAsync(() => _writer.WriteAsync(work, cancellationToken, synced: false));

    /// <inheritdoc cref="WriteAsync{T}(Func{SqliteConnection, T}, CancellationToken)"/>
    public Task WriteAsync(Action<SqliteConnection> work, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            work(connection);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="read"/> on a pooled reader connection inside one read transaction. Failures come back
    /// through the task, transient ones as <see cref="Core.Failures.TransientStorageException"/> (<see cref="EmbeddedFailures"/>).
    /// </summary>
    public Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T>(cancellationToken);
        Interlocked.Increment(ref _reads);
        try
        {
            return Task.FromResult(_readers.Read(read));
        }
        catch (Exception exception)
        {
            // Surface failures through the task, like every other async member.
            return Task.FromException<T>(EmbeddedFailures.Translate(exception));
        }
    }

    /// <summary>
    /// <c>PRAGMA wal_checkpoint(TRUNCATE)</c> on a connection of its own: copies every committed page into the database
    /// file and truncates the <c>-wal</c> file to zero bytes. Waits for the writer and readers up to the busy timeout;
    /// false when they kept it from completing. Blocking: call it off the caller's thread.
    /// </summary>
    public bool TruncateWriteAheadLog()
    {
        using SqliteConnection connection = SqliteConnections.Open(Path);
        return connection.QueryFirstOrDefault("PRAGMA wal_checkpoint(TRUNCATE)", r => (object)r.GetInt64(0)) is 0L;
    }

    /// <summary>Commits queued writes, then closes every connection (the WAL is checkpointed on close).</summary>
    public void Dispose()
    {
        _writer.Dispose();
        _readers.Dispose();
    }
}
