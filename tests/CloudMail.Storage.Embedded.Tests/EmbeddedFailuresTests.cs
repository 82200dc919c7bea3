using CloudMail.Core.Failures;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// <see cref="EmbeddedFailures"/>: a busy or locked database, a full volume and I/O errors are the embedded backend's
/// transient failures; everything else SQLite says (constraints, a broken schema) is not. A full volume is told apart
/// (<see cref="StorageFullException"/>) from the errors the kernel and SQLite really give for it.
/// </summary>
public sealed class EmbeddedFailuresTests
{
    [Theory]
    [InlineData(5, true)]    // SQLITE_BUSY
    [InlineData(261, true)]  // SQLITE_BUSY_RECOVERY
    [InlineData(6, true)]    // SQLITE_LOCKED
    [InlineData(262, true)]  // SQLITE_LOCKED_SHAREDCACHE
    [InlineData(13, true)]   // SQLITE_FULL
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

    [Fact]
    public void The_kernels_no_space_left_on_a_write_is_a_full_storage_and_other_IO_errors_are_not()
    {
        // /dev/full answers every write with ENOSPC, as a full volume does.
        var full = Assert.ThrowsAny<IOException>(() =>
        {
            using var stream = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            stream.Write(new byte[4096]);
        });
        Assert.True(EmbeddedFailures.IsStorageFull(full));
        var translated = Assert.IsType<StorageFullException>(EmbeddedFailures.Translate(full));
        Assert.Same(full, translated.InnerException);
        Assert.True(FailureClassification.IsTransient(translated));
        Assert.True(FailureClassification.IsStorageFull(new TransientStorageException(translated)));
        Assert.Equal(full.Message, FailureClassification.DescribeStorageFull(new AggregateException(translated)));

        var missing = Assert.ThrowsAny<IOException>(() => File.ReadAllBytes(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "absent")));
        Assert.False(EmbeddedFailures.IsStorageFull(missing));
        Assert.IsType<TransientStorageException>(EmbeddedFailures.Translate(missing));
    }

    [Fact]
    public async Task SQLites_database_or_disk_is_full_is_a_full_storage()
    {
        string path = Path.Combine(Path.GetTempPath(), "cloudmail-full-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            await connection.OpenAsync();
            await using (var setup = connection.CreateCommand())
            {
                // A database that may not grow past a few pages: SQLite answers SQLITE_FULL as it does on a full disk.
                setup.CommandText = "CREATE TABLE t (v BLOB); PRAGMA max_page_count = 8;";
                await setup.ExecuteNonQueryAsync();
            }
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO t VALUES (zeroblob(1000000))";
            var full = await Assert.ThrowsAsync<SqliteException>(() => insert.ExecuteNonQueryAsync());

            Assert.Equal(13, full.SqliteErrorCode);
            Assert.True(EmbeddedFailures.IsStorageFull(full));
            var thrown = await Assert.ThrowsAsync<StorageFullException>(() => EmbeddedFailures.TranslateAsync(() => Task.FromException(full)));
            Assert.Same(full, thrown.InnerException);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }
}
