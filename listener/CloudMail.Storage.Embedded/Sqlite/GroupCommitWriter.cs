using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Sqlite;

/// <summary>
/// The single writer of one database, with group commit. Callers hand in synchronous units of work; a
/// background loop takes everything that is waiting (up to <see cref="MaxBatch"/>), runs each item in its
/// own savepoint inside one <c>BEGIN IMMEDIATE … COMMIT</c>, and only after that one commit (one fsync of
/// the WAL) completes every caller's task. Many concurrent SMTP sessions therefore share fsyncs instead of
/// queueing behind each other, and every returned task still means "durable".
/// The loop runs on a dedicated thread: commits block in fsync, and blocking a thread-pool worker for that
/// would starve the SMTP sessions' continuations on a small machine. Callers' tasks complete asynchronously
/// (<see cref="TaskCreationOptions.RunContinuationsAsynchronously"/>), so the loop never runs their code.
/// The connection is used by the loop only, never concurrently.
/// </summary>
internal sealed class GroupCommitWriter : IDisposable
{
    /// <summary>Upper bound of items per transaction, to keep the latency of one commit bounded.</summary>
    public const int MaxBatch = 512;

    private readonly SqliteConnection _connection;
    private readonly object _gate = new();
    private readonly Queue<IWriteItem> _pending = new();
    private readonly Thread _loop;
    private bool _closed;
    private bool _synchronousFull = true;
    private long _commits;

    public GroupCommitWriter(SqliteConnection connection)
    {
        _connection = connection;
        _loop = new Thread(Run) { IsBackground = true, Name = "sqlite-writer " + Path.GetFileName(connection.DataSource) };
        _loop.Start();
    }

    /// <summary>Number of transactions committed so far (diagnostics and tests).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Writes queued and not yet taken into a batch (diagnostics and tests).</summary>
    public int Pending
    {
        get
        {
            lock (_gate) return _pending.Count;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in the next batch. The task completes after the batch commits, with the
    /// work's result or the exception it threw (its writes are then rolled back), or fails when the
    /// commit itself fails. Cancellation is honoured until the batch starts, not after. A batch is committed with
    /// <c>synchronous=FULL</c> (WAL fsynced) when any of its items is <paramref name="synced"/>, else with
    /// <c>synchronous=NORMAL</c> (no fsync; SQLite's WAL still survives a process crash, and the next synced commit
    /// fsyncs the WAL frames before it as well).
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken, bool synced = true)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T>(cancellationToken);
        var item = new WriteItem<T>(work, synced, cancellationToken);
        lock (_gate)
        {
            if (_closed) return Task.FromException<T>(new ObjectDisposedException(nameof(GroupCommitWriter), "The database is closed."));
            _pending.Enqueue(item);
            if (_pending.Count == 1) Monitor.Pulse(_gate);
        }
        return item.Task;
    }

    private void Run()
    {
        var batch = new List<IWriteItem>(MaxBatch);
        while (TakeBatch(batch))
        {
            if (batch.Count > 0) CommitBatch(batch);
            batch.Clear();
        }
    }

    /// <summary>
    /// Blocks this (dedicated) thread until work is waiting, then moves up to <see cref="MaxBatch"/> items into
    /// <paramref name="batch"/> (dropping those whose callers gave up). False once closed and drained.
    /// </summary>
    private bool TakeBatch(List<IWriteItem> batch)
    {
        lock (_gate)
        {
            while (_pending.Count == 0)
            {
                if (_closed) return false;
                Monitor.Wait(_gate);
            }
            while (batch.Count < MaxBatch && _pending.TryDequeue(out IWriteItem? item))
            {
                if (item.TryStart()) batch.Add(item);
            }
            return true;
        }
    }

    private void CommitBatch(List<IWriteItem> batch)
    {
        try
        {
            bool synced = batch.Exists(item => item.Synced);
            if (synced != _synchronousFull)
            {
                // Allowed between transactions only; the connection opened with FULL (SqliteConnections).
                _connection.Execute(synced ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
                _synchronousFull = synced;
            }
            _connection.Execute("BEGIN IMMEDIATE");
            foreach (IWriteItem item in batch) item.Run(_connection);
            _connection.Execute("COMMIT");
        }
        catch (Exception exception)
        {
            // BEGIN, a savepoint statement or COMMIT failed: nothing of the batch is durable; every caller sees why.
            _connection.RollbackIfOpen();
            foreach (IWriteItem item in batch) item.Fail(exception);
            return;
        }
        Interlocked.Increment(ref _commits);
        foreach (IWriteItem item in batch) item.Publish();
    }

    /// <summary>Stops accepting work, drains and commits what is queued, then closes the connection.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            Monitor.Pulse(_gate);
        }
        _loop.Join();
        _connection.Dispose();
    }
}
