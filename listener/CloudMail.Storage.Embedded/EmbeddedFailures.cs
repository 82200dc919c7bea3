using CloudMail.Core.Failures;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded;

/// <summary>
/// Maps the embedded backend's transient failures onto Core's failure types: a full volume (SQLite's <c>SQLITE_FULL</c>,
/// a file write's <c>ENOSPC</c> or <c>EDQUOT</c>, Windows' disk-full errors) onto <see cref="StorageFullException"/>; a
/// <see cref="SqliteException"/> saying the database is busy or locked (<c>SQLITE_BUSY</c>, <c>SQLITE_LOCKED</c>, with
/// their extended codes: another process held the lock past the busy timeout) and any other <see cref="IOException"/>
/// (the disk or file system failed) onto <see cref="TransientStorageException"/>. Anything else (constraint violations,
/// a corrupt or missing schema, bugs) propagates unchanged.
/// </summary>
public static class EmbeddedFailures
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteFull = 13;

    // errno values of Linux (ENOSPC, EDQUOT) and macOS (EDQUOT), which .NET gives as the HResult of the IOException it
    // throws for them, and the HRESULTs of Windows' ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL.
    private const int NoSpace = 28;
    private const int LinuxQuota = 122;
    private const int MacQuota = 69;
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);
    private const int WindowsDiskFull = unchecked((int)0x80070070);

    /// <summary>True when <paramref name="exception"/> says the volume had no room for a write.</summary>
    public static bool IsStorageFull(Exception exception) => exception switch
    {
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) == SqliteFull,
        IOException io => io.HResult is NoSpace or LinuxQuota or MacQuota or WindowsHandleDiskFull or WindowsDiskFull,
        _ => false,
    };

    /// <summary>True for a failure that may succeed when tried again later.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) is SqliteBusy or SqliteLocked or SqliteFull,
        IOException => true,
        _ => false,
    };

    /// <summary>
    /// Runs and awaits <paramref name="operation"/>, throwing its transient failures (thrown at once or through the task)
    /// as <see cref="StorageFullException"/> or <see cref="TransientStorageException"/> (<see cref="Translate"/>).
    /// </summary>
    public static async Task<T> TranslateAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw Translate(e);
        }
    }

    /// <inheritdoc cref="TranslateAsync{T}(Func{Task{T}})"/>
    public static async Task TranslateAsync(Func<Task> operation)
    {
        try
        {
            await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw Translate(e);
        }
    }

    /// <summary>
    /// <paramref name="exception"/> as <see cref="StorageFullException"/> when the volume was full, as
    /// <see cref="TransientStorageException"/> when otherwise transient, else itself.
    /// </summary>
    public static Exception Translate(Exception exception) =>
        IsStorageFull(exception) ? new StorageFullException(exception) : IsTransient(exception) ? new TransientStorageException(exception) : exception;
}
