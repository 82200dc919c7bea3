using CloudMail.Core.Failures;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// <see cref="EmbeddedFailures"/>: a busy or locked database and I/O errors are the embedded backend's transient
/// failures; everything else SQLite says (constraints, a broken schema) is not.
/// </summary>
public sealed class EmbeddedFailuresTests
{
    [Theory]
    [InlineData(5, true)]    // SQLITE_BUSY
    [InlineData(261, true)]  // SQLITE_BUSY_RECOVERY
    [InlineData(6, true)]    // SQLITE_LOCKED
    [InlineData(262, true)]  // SQLITE_LOCKED_SHAREDCACHE
    [InlineData(19, false)]  // SQLITE_CONSTRAINT
    [InlineData(1, false)]   // SQLITE_ERROR (e.g. no such table)
    [InlineData(11, false)]  // SQLITE_CORRUPT
    public void Sqlite_errors_are_transient_only_when_the_database_is_busy_or_locked(int code, bool transient) =>
        Assert.Equal(transient, EmbeddedFailures.IsTransient(new SqliteException("injected", code)));

    [Fact]
    public void IO_errors_are_transient_and_other_exceptions_are_not()
    {
        Assert.True(EmbeddedFailures.IsTransient(new IOException("disk")));
        Assert.False(EmbeddedFailures.IsTransient(new InvalidOperationException("bug")));
    }

    [Fact]
    public async Task A_transient_failure_is_thrown_as_TransientStorageException_and_others_unchanged()
    {
        var busy = await Assert.ThrowsAsync<TransientStorageException>(() =>
            EmbeddedFailures.TranslateAsync(() => throw new SqliteException("database is locked", 5)));
        Assert.IsType<SqliteException>(busy.InnerException);
        Assert.True(FailureClassification.IsTransient(busy));

        await Assert.ThrowsAsync<SqliteException>(() => EmbeddedFailures.TranslateAsync(() => Task.FromException(new SqliteException("constraint", 19))));
    }
}
