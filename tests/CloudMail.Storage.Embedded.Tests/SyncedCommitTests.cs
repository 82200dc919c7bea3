using CloudMail.Storage.Embedded.Sqlite;
using CloudMail.Storage.Embedded.Tests.Support;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// Writes are fsynced (<c>synchronous=FULL</c>) unless the caller asked for an unsynced write and no synced write
/// shares its batch; a synced write after unsynced ones is synced again.
/// </summary>
public sealed class SyncedCommitTests
{
    /// <summary>The connection's <c>PRAGMA synchronous</c> (1 NORMAL, 2 FULL), read inside a write: the batch's mode.</summary>
    internal static long Synchronous(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task Unsynced_writes_commit_without_fsync_and_synced_writes_with_it()
    {
        using var folder = new TempFolder();
        using var db = SqliteDatabase.Open(Path.Combine(folder.Path, "t.db"), ["CREATE TABLE t (v INTEGER)"]);
        const long normal = 1, full = 2;

        Assert.Equal(full, await db.WriteAsync(Synchronous, CancellationToken.None));
        Assert.Equal(normal, await db.WriteUnsyncedAsync(Synchronous, CancellationToken.None));
        Assert.Equal(full, await db.WriteAsync(Synchronous, CancellationToken.None));
    }

    [Fact]
    public async Task A_batch_holding_one_synced_write_is_synced_for_all()
    {
        using var folder = new TempFolder();
        using var db = SqliteDatabase.Open(Path.Combine(folder.Path, "t.db"), ["CREATE TABLE t (v INTEGER)"]);
        var gate = new ManualResetEventSlim();
        // The first write holds the writer until both others are queued, so they share the next batch.
        var holding = db.WriteAsync(c => gate.Wait(TimeSpan.FromSeconds(10)), CancellationToken.None);
        var unsynced = db.WriteUnsyncedAsync(Synchronous, CancellationToken.None);
        var synced = db.WriteAsync(Synchronous, CancellationToken.None);
        gate.Set();
        await holding;
        Assert.Equal(2L, await unsynced);
        Assert.Equal(2L, await synced);
    }
}
