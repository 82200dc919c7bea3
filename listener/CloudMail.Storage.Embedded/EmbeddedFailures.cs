using CloudMail.Core.Failures;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded;

/// <summary>
/// Maps the embedded backend's transient failures onto Core's <see cref="TransientStorageException"/>: a
/// <see cref="SqliteException"/> saying the database is busy or locked (<c>SQLITE_BUSY</c>, <c>SQLITE_LOCKED</c>, with
/// their extended codes: another process held the lock past the busy timeout) and an <see cref="IOException"/> (the
/// disk or file system failed). Anything else (constraint violations, a corrupt or missing schema, bugs) propagates
/// unchanged.
/// </summary>
public static class EmbeddedFailures
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>True for a failure that may succeed when tried again later.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) is SqliteBusy or SqliteLocked,
        IOException => true,
        _ => false,
    };

    /// <summary>
    /// Runs and awaits <paramref name="operation"/>, throwing its transient failures (thrown at once or through the task)
    /// as <see cref="TransientStorageException"/>.
    /// </summary>
    public static async Task<T> TranslateAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw new TransientStorageException(e);
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
            throw new TransientStorageException(e);
        }
    }

    /// <summary><paramref name="exception"/> as <see cref="TransientStorageException"/> when transient, else itself.</summary>
    public static Exception Translate(Exception exception) => IsTransient(exception) ? new TransientStorageException(exception) : exception;
}
