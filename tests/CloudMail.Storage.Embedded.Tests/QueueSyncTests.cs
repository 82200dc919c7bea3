using CloudMail.ContractTests;
using CloudMail.Core.Queue;
using CloudMail.Storage.Embedded.Blobs;
using CloudMail.Storage.Embedded.Queue;
using CloudMail.Storage.Embedded.Sqlite;
using CloudMail.Storage.Embedded.Tests.Support;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// Which queue writes wait for an fsync (<see cref="SqliteMailQueue"/>'s summary): enqueues and dead letters do; leases,
/// completions and retries do not, so a batch holding only those commits with <c>synchronous=NORMAL</c>. Each case holds
/// the writer until the queue call and a probe that reads the connection's <c>synchronous</c> setting share the next batch.
/// </summary>
public sealed class QueueSyncTests : IDisposable
{
    private const string Queue = QueueNames.Inbound;
    private const long Normal = 1, Full = 2;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private readonly TempFolder _folder = new();
    private readonly SqliteDatabase _db;
    private readonly SqliteMailQueue _queue;

    public QueueSyncTests()
    {
        _db = SqliteDatabase.Open(Path.Combine(_folder.Path, "queue.db"), [QueueSchema.V1, BlobTableSchema.V1]);
        _queue = new SqliteMailQueue(_db, TimeProvider.System);
    }

    /// <summary>Runs <paramref name="call"/> in one batch with a probe; returns the probe's <c>PRAGMA synchronous</c>.</summary>
    private async Task<long> SynchronousOfBatchWith(Func<Task> call)
    {
        var gate = new ManualResetEventSlim();
        var holding = _db.WriteAsync(c => gate.Wait(TimeSpan.FromSeconds(10)), CancellationToken.None);
        while (_db.PendingWrites > 0) await Task.Delay(1); // the holder is running: what follows queues behind it
        Task queued = call();
        while (_db.PendingWrites < 1) await Task.Delay(1);
        var probe = _db.WriteUnsyncedAsync(SyncedCommitTests.Synchronous, CancellationToken.None);
        gate.Set();
        await holding;
        await queued;
        return await probe;
    }

    [Fact]
    public async Task Enqueue_is_fsynced()
    {
        Assert.Equal(Full, await SynchronousOfBatchWith(() => _queue.EnqueueAsync(Queue, TestData.Job(), null, CancellationToken.None)));
    }

    [Fact]
    public async Task Lease_complete_and_retry_are_not_fsynced_on_their_own()
    {
        await _queue.EnqueueAsync(Queue, TestData.Job(), null, CancellationToken.None);
        await _queue.EnqueueAsync(Queue, TestData.Job(), null, CancellationToken.None);
        IReadOnlyList<LeasedJob> leased = [];
        Assert.Equal(Normal, await SynchronousOfBatchWith(async () => leased = await _queue.LeaseAsync(Queue, 2, Lease, CancellationToken.None)));
        Assert.Equal(2, leased.Count);
        Assert.Equal(Normal, await SynchronousOfBatchWith(() => _queue.CompleteAsync(Queue, leased[0], CancellationToken.None)));
        Assert.Equal(Normal, await SynchronousOfBatchWith(() => _queue.RetryAsync(Queue, leased[1], TimeSpan.Zero, "451 later", CancellationToken.None)));
        Assert.Equal(1, await _queue.CountAsync(Queue, CancellationToken.None));
    }

    [Fact]
    public async Task Dead_letter_is_fsynced()
    {
        await _queue.EnqueueAsync(Queue, TestData.Job(), null, CancellationToken.None);
        LeasedJob leased = Assert.Single(await _queue.LeaseAsync(Queue, 1, Lease, CancellationToken.None));
        Assert.Equal(Full, await SynchronousOfBatchWith(() => _queue.DeadLetterAsync(Queue, leased, "550 no", CancellationToken.None)));
    }

    public void Dispose()
    {
        _db.Dispose();
        _folder.Dispose();
    }
}
