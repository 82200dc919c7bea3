using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Sqlite;

/// <summary>One caller's unit of work inside a group-commit batch.</summary>
internal interface IWriteItem
{
    /// <summary>
    /// True when the caller's task may complete only after an fsync of the commit (<c>synchronous=FULL</c>); false when
    /// the commit reaching the OS is enough (a process crash keeps it; an OS crash keeps it once a later synced commit
    /// of the same WAL has run).
    /// </summary>
    bool Synced { get; }

    /// <summary>False (and the caller's task is cancelled) when the caller gave up before the batch started.</summary>
    bool TryStart();

    /// <summary>Runs the work inside its own savepoint: a failure rolls back this item only.</summary>
    void Run(SqliteConnection connection);

    /// <summary>After COMMIT: completes the caller's task with the result or the item's own exception.</summary>
    void Publish();

    /// <summary>The whole batch failed (BEGIN or COMMIT): nothing of it is durable.</summary>
    void Fail(Exception exception);
}

internal sealed class WriteItem<T>(Func<SqliteConnection, T> work, bool synced, CancellationToken cancellationToken) : IWriteItem
{
    public bool Synced => synced;

    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;
    private Exception? _error;

    public Task<T> Task => _completion.Task;

    public bool TryStart()
    {
        if (!cancellationToken.IsCancellationRequested) return true;
        _completion.TrySetCanceled(cancellationToken);
        return false;
    }

    public void Run(SqliteConnection connection)
    {
        connection.Execute("SAVEPOINT item");
        try
        {
            _result = work(connection);
        }
        catch (Exception exception)
        {
            // Not swallowed: the exception is handed to the caller in Publish; only this item's writes are undone.
            _error = exception;
            connection.Execute("ROLLBACK TO item");
        }
        connection.Execute("RELEASE item");
    }

    public void Publish()
    {
        if (_error is null) _completion.TrySetResult(_result!);
        else _completion.TrySetException(_error);
    }

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
