using System.Text;
using CloudMail.ContractTests;
using CloudMail.Core.Blobs;
using CloudMail.Core.Filtering;
using CloudMail.Core.Intake;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Storage.Embedded.Intake;
using CloudMail.Storage.Embedded.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// The accept path on the embedded backend: a small message's blob row and its inbound job are one group commit of
/// queue.db (one WAL fsync), a small port-25 message is checked from memory and only its filtered copy stored (one
/// commit), a large one's staged copy removes its staging blob, and a crash
/// leaves either both or neither.
/// </summary>
public sealed class JointIntakeCommitTests : IDisposable
{
    private const int Threshold = 64 * 1024;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly TempFolder _folder = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    /// <param name="bodyLines">0: a row bound as a parameter; 2,000 (~48 KB, past <see cref="Blobs.SqliteBlobTable.StreamedInsertBytes"/>
    /// and under the threshold): a row filled through incremental blob I/O.</param>
    [Theory]
    [InlineData(0)]
    [InlineData(2000)]
    public async Task A_small_message_and_its_inbound_job_are_committed_in_one_transaction(int bodyLines)
    {
        await using EmbeddedStorage store = Open();
        var intake = new MessageIntake(store.Blobs, store.Queue);
        byte[] bytes = [.. Message("one commit"), .. Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, bodyLines).Select(i => $"line {i:D5} of the body\r\n")))];
        Assert.InRange(bytes.Length, bodyLines == 0 ? 1 : Blobs.SqliteBlobTable.StreamedInsertBytes, bodyLines == 0 ? Blobs.SqliteBlobTable.StreamedInsertBytes - 1 : Threshold);
        long before = store.QueueDatabase.Commits;

        var (id, writer) = intake.Begin();
        MailJob job;
        await using (writer)
        {
            await writer.WriteAsync(bytes, _ct);
            job = await intake.CommitAsync(id, writer, NewEnvelope(), _ct);
        }

        Assert.Equal(1, store.QueueDatabase.Commits - before);
        Assert.Equal(new BlobRef(id, bytes.Length, TestData.Sha256Hex(bytes)), job.Blob);
        Assert.Equal(bytes, await StoredBlobs.ReadAsync(store, id));
        LeasedJob leased = Assert.Single(await store.Queue.LeaseAsync(QueueNames.Inbound, 10, Lease, _ct));
        Assert.Equal(job.Blob, leased.Job.Blob);
    }

    [Fact]
    public async Task A_small_checked_message_is_held_in_memory_and_only_its_copy_and_job_are_committed_once()
    {
        await using EmbeddedStorage store = Open();
        var intake = new MessageIntake(store.Blobs, store.Queue, filter: new StampingFilter());
        byte[] bytes = Message("held in memory");

        var (id, writer) = intake.Begin(authenticated: false);
        long before;
        await using (writer)
        {
            await writer.WriteAsync(bytes, _ct);
            before = store.QueueDatabase.Commits;
            Assert.Null(await intake.CommitCheckedAsync(id, writer, NewEnvelope(), _ct));
        }

        // No staging row: the filtered copy and its job are the one commit.
        Assert.Equal(1, store.QueueDatabase.Commits - before);
        Assert.False(await store.Blobs.ExistsAsync(id + MessageIntake.StagingSuffix, _ct));
        Assert.Equal(StampingFilter.Field.Concat(bytes), await StoredBlobs.ReadAsync(store, id));
        LeasedJob leased = Assert.Single(await store.Queue.LeaseAsync(QueueNames.Inbound, 10, Lease, _ct));
        Assert.Equal(id, leased.Job.Blob.Id);
    }

    [Fact]
    public async Task A_checked_message_over_the_memory_limit_is_staged_as_a_blob_copied_and_the_staging_blob_removed()
    {
        await using EmbeddedStorage store = Open();
        var intake = new MessageIntake(store.Blobs, store.Queue, filter: new StampingFilter());
        byte[] bytes = [.. Message("staged"), .. Encoding.ASCII.GetBytes(new string('x', StagingWriter.MemoryLimit) + "\r\n")];

        var (id, writer) = intake.Begin(authenticated: false);
        await using (writer)
        {
            // Written in two parts: the first fits in memory, the second spills both into the staging blob.
            await writer.WriteAsync(bytes.AsMemory(0, 100), _ct);
            await writer.WriteAsync(bytes.AsMemory(100), _ct);
            Assert.Equal(bytes.Length, writer.BytesWritten);
            Assert.Null(await intake.CommitCheckedAsync(id, writer, NewEnvelope(), _ct));
        }

        Assert.False(await store.Blobs.ExistsAsync(id + MessageIntake.StagingSuffix, _ct));
        Assert.Equal(StampingFilter.Field.Concat(bytes), await StoredBlobs.ReadAsync(store, id));
        LeasedJob leased = Assert.Single(await store.Queue.LeaseAsync(QueueNames.Inbound, 10, Lease, _ct));
        Assert.Equal(id, leased.Job.Blob.Id);
    }

    [Fact]
    public async Task A_joint_commit_under_an_id_holding_other_content_fails_and_enqueues_nothing()
    {
        await using EmbeddedStorage store = Open();
        string id = Unique.MessageId();
        await using (IBlobWriter first = store.Blobs.CreateWriter(id))
        {
            await first.WriteAsync(Message("first"), _ct);
            await first.CommitAsync(_ct);
        }
        var intake = new MessageIntake(store.Blobs, store.Queue);

        await using (IBlobWriter second = store.Blobs.CreateWriter(id))
        {
            await second.WriteAsync(Message("second, other bytes"), _ct);
            await Assert.ThrowsAsync<InvalidOperationException>(() => intake.CommitAsync(id, second, NewEnvelope(), _ct));
        }

        Assert.Equal(Message("first"), await StoredBlobs.ReadAsync(store, id));
        Assert.Empty(await store.Queue.LeaseAsync(QueueNames.Inbound, 10, Lease, _ct));
    }

    [Fact]
    public async Task A_message_over_the_threshold_is_a_file_committed_before_its_job()
    {
        await using EmbeddedStorage store = Open();
        var intake = new MessageIntake(store.Blobs, store.Queue);
        byte[] bytes = TestData.RandomBytes(Threshold + 1);

        var (id, writer) = intake.Begin();
        await using (writer)
        {
            await writer.WriteAsync(bytes, _ct);
            Assert.Null(((IJointBlobQueue)store.Queue).TryPrepare(writer));
            await intake.CommitAsync(id, writer, NewEnvelope(), _ct);
        }

        Assert.Equal(bytes, await StoredBlobs.ReadAsync(store, id));
        Assert.Single(await store.Queue.LeaseAsync(QueueNames.Inbound, 10, Lease, _ct));
    }

    [Fact]
    public async Task Blob_and_job_of_a_joint_commit_both_survive_a_crash_copy_of_the_folder()
    {
        using var crashed = new TempFolder();
        string id;
        byte[] bytes = Message("crash");
        await using (EmbeddedStorage store = Open())
        {
            var intake = new MessageIntake(store.Blobs, store.Queue);
            IBlobWriter writer;
            (id, writer) = intake.Begin();
            await using (writer)
            {
                await writer.WriteAsync(bytes, _ct);
                await intake.CommitAsync(id, writer, NewEnvelope(), _ct);
            }
            // As a crash leaves them: WAL not checkpointed, no shared-memory index.
            StoredBlobs.CrashCopy(_folder.Path, crashed.Path);
        }

        await using EmbeddedStorage recovered = EmbeddedStorage.Open(crashed.Path, new EmbeddedStorageOptions { SmallBlobThreshold = Threshold });
        Assert.Equal(bytes, await StoredBlobs.ReadAsync(recovered, id));
        LeasedJob leased = Assert.Single(await recovered.Queue.LeaseAsync(QueueNames.Inbound, 10, Lease, _ct));
        Assert.Equal(id, leased.Job.MessageId);
    }

    [Fact]
    public async Task Through_the_intake_outbox_the_marker_is_recorded_beside_the_joint_commit_and_removed_when_it_fails()
    {
        await using EmbeddedStorage store = Open();
        using SqliteIntakeOutbox outbox = SqliteIntakeOutbox.Open(_folder.Path);
        var recording = new IntakeRecordingQueue(store.Queue, outbox, TimeProvider.System, NullLogger<IntakeRecordingQueue>.Instance);
        var intake = new MessageIntake(store.Blobs, recording);
        long before = store.QueueDatabase.Commits;

        var (id, writer) = intake.Begin();
        await using (writer)
        {
            await writer.WriteAsync(Message("recorded"), _ct);
            await intake.CommitAsync(id, writer, NewEnvelope(), _ct);
        }
        string clash = Unique.MessageId();
        await using (IBlobWriter first = store.Blobs.CreateWriter(clash))
        {
            await first.WriteAsync(Message("first"), _ct);
            await first.CommitAsync(_ct);
        }
        await using (IBlobWriter second = store.Blobs.CreateWriter(clash))
        {
            await second.WriteAsync(Message("other"), _ct);
            await Assert.ThrowsAsync<InvalidOperationException>(() => intake.CommitAsync(clash, second, NewEnvelope(), _ct));
        }

        IntakeMarker marker = Assert.Single(await outbox.ListRecordedBeforeAsync(DateTimeOffset.UtcNow.AddDays(1), 10, _ct));
        Assert.Equal(id, marker.Job.MessageId);
        Assert.Equal(3, store.QueueDatabase.Commits - before); // joint commit, the clash's own blob, the failed joint commit
        Assert.Equal(id, Assert.Single(await store.Queue.LeaseAsync(QueueNames.Inbound, 10, Lease, _ct)).Job.MessageId);
    }

    /// <summary>Accepts everything and puts one header field on top (what the copy of a staged message carries).</summary>
    private sealed class StampingFilter : IInboundFilter
    {
        public static readonly byte[] Field = Encoding.ASCII.GetBytes("X-Checked: yes\r\n");

        public Task<InboundVerdict> CheckAsync(Envelope envelope, Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken) =>
            Task.FromResult(new InboundVerdict(null, Encoding.ASCII.GetString(Field), null, "stamped"));
    }

    private EmbeddedStorage Open() => EmbeddedStorage.Open(_folder.Path, new EmbeddedStorageOptions { SmallBlobThreshold = Threshold });

    private static byte[] Message(string subject) =>
        Encoding.ASCII.GetBytes($"From: sender@remote.test\r\nTo: user@local.test\r\nSubject: {subject}\r\n\r\nbody\r\n");

    private static Envelope NewEnvelope() =>
        new("sender@remote.test", ["user@local.test"], null, "192.0.2.1", "remote.test", DateTimeOffset.UtcNow);

    public void Dispose() => _folder.Dispose();
}
