using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Sqlite;

/// <summary>
/// Read connections, each used by one caller at a time. In WAL mode readers see the last committed state
/// and never block the writer. Each read runs in its own read transaction (one consistent snapshot).
/// </summary>
internal sealed class ReaderPool(string path, int maxIdle) : IDisposable
{
    private readonly ConcurrentBag<SqliteConnection> _idle = [];
    private int _idleCount;
    private volatile bool _disposed;

    public T Read<T>(Func<SqliteConnection, T> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        SqliteConnection connection = Rent();
        bool reusable = false;
        try
        {
            connection.Execute("BEGIN");
            T result = read(connection);
            connection.Execute("COMMIT");
            reusable = true;
            return result;
        }
        finally
        {
            // A failed read may leave a transaction open: closing the connection ends it.
            if (reusable) Return(connection);
            else connection.Dispose();
        }
    }

    private SqliteConnection Rent()
    {
        if (!_idle.TryTake(out SqliteConnection? connection)) return SqliteConnections.Open(path);
        Interlocked.Decrement(ref _idleCount);
        return connection;
    }

    private void Return(SqliteConnection connection)
    {
        if (_disposed || Interlocked.Increment(ref _idleCount) > maxIdle)
        {
            if (!_disposed) Interlocked.Decrement(ref _idleCount);
            connection.Dispose();
            return;
        }
        _idle.Add(connection);
        if (_disposed) DisposeIdle();
    }

    public void Dispose()
    {
        _disposed = true;
        DisposeIdle();
    }

    private void DisposeIdle()
    {
        while (_idle.TryTake(out SqliteConnection? idle)) idle.Dispose();
    }
}
