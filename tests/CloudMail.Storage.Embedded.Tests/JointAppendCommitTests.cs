using System.Text;
using CloudMail.ContractTests;
using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Embedded.Blobs;
using CloudMail.Storage.Embedded.Tests.Support;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// IMAP APPEND on the embedded backend: small blobs and the index rows listing them are one group commit of mail.db (one
/// WAL fsync, nothing written to queue.db); a refused append stores neither; write-once holds across both blob tables;
/// a reclaimed message's row leaves mail.db; a crash leaves the rows and the blob together.
/// </summary>
public sealed class JointAppendCommitTests : IDisposable
{
    private const int Threshold = 64 * 1024;

    private readonly TempFolder _folder = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    [Fact]
    public async Task Two_small_messages_and_their_index_rows_are_one_commit_of_the_mail_database_and_none_of_the_queue_database()
    {
        await using EmbeddedStorage store = Open();
        var joint = Joint(store);
        string account = await AccountAsync(store);
        var (first, firstBytes) = await WriteAsync(store, "first");
        var (second, secondBytes) = await WriteAsync(store, "second");
        await using (first)
        await using (second)
        {
            PreparedBlob a = joint.TryPrepare(first)!, b = joint.TryPrepare(second)!;
            Assert.Equal(firstBytes, a.Content.ToArray());
            long mailBefore = store.MailDatabase.Commits, queueBefore = store.QueueDatabase.Commits;

            IReadOnlyList<AppendResult> results = await joint.AppendAllWithBlobsAsync(account, "INBOX",
                [new MessageToAppend(a.Blob, TestData.Now(), MessageFlags.Seen, ["$Label1"]), new MessageToAppend(b.Blob, TestData.Now(), MessageFlags.None, [])],
                [first, second], _ct);

            Assert.Equal(1, store.MailDatabase.Commits - mailBefore);
            Assert.Equal(0, store.QueueDatabase.Commits - queueBefore);
            Assert.Equal([1u, 2u], results.Select(r => r.Uid));
            // The writers count as committed: committing again returns the same claim-check and stores nothing more.
            Assert.Equal(a.Blob, await first.CommitAsync(_ct));
            Assert.Equal(0, store.QueueDatabase.Commits - queueBefore);
            Assert.Equal(firstBytes, await StoredBlobs.ReadAsync(store, a.Blob.Id));
            Assert.Equal(secondBytes, await StoredBlobs.ReadAsync(store, b.Blob.Id));
        }
        IReadOnlyList<MessageRecord> listed = await store.Mailboxes.GetMessagesAsync(account, "INBOX", _ct);
        Assert.Equal(2, listed.Count);
        Assert.Equal(MessageFlags.Seen, listed[0].Flags);
        Assert.Equal(["$Label1"], listed[0].Keywords);
    }

    [Fact]
    public async Task An_append_to_a_missing_mailbox_stores_neither_the_rows_nor_the_blob()
    {
        await using EmbeddedStorage store = Open();
        var joint = Joint(store);
        string account = await AccountAsync(store);
        var (writer, _) = await WriteAsync(store, "nowhere");
        await using (writer)
        {
            PreparedBlob prepared = joint.TryPrepare(writer)!;
            await Assert.ThrowsAsync<MailboxNotFoundException>(() => joint.AppendAllWithBlobsAsync(account, "No such folder",
                [new MessageToAppend(prepared.Blob, TestData.Now(), MessageFlags.None, [])], [writer], _ct));
            Assert.False(await store.Blobs.ExistsAsync(prepared.Blob.Id, _ct));
        }
    }

    [Fact]
    public async Task An_id_the_queue_database_holds_with_other_content_is_refused_and_nothing_is_appended()
    {
        await using EmbeddedStorage store = Open();
        var joint = Joint(store);
        string account = await AccountAsync(store);
        string id = Unique.MessageId();
        await using (IBlobWriter earlier = store.Blobs.CreateWriter(id))
        {
            await earlier.WriteAsync(Message("earlier"), _ct);
            await earlier.CommitAsync(_ct);
        }
        await using IBlobWriter writer = store.Blobs.CreateWriter(id);
        await writer.WriteAsync(Message("other bytes under the same id"), _ct);
        PreparedBlob prepared = joint.TryPrepare(writer)!;

        await Assert.ThrowsAsync<InvalidOperationException>(() => joint.AppendAllWithBlobsAsync(account, "INBOX",
            [new MessageToAppend(prepared.Blob, TestData.Now(), MessageFlags.None, [])], [writer], _ct));

        Assert.Empty(await store.Mailboxes.GetMessagesAsync(account, "INBOX", _ct));
        Assert.Equal(Message("earlier"), await StoredBlobs.ReadAsync(store, id));
    }

    [Fact]
    public async Task A_message_over_the_threshold_is_not_prepared_and_goes_the_separate_way()
    {
        await using EmbeddedStorage store = Open();
        await using IBlobWriter writer = store.Blobs.CreateWriter(Unique.MessageId());
        await writer.WriteAsync(TestData.RandomBytes(Threshold + 1), _ct);

        Assert.Null(Joint(store).TryPrepare(writer));
    }

    [Fact]
    public async Task An_expunged_and_reclaimed_appended_message_leaves_no_row_in_the_mail_database()
    {
        await using EmbeddedStorage store = Open();
        var joint = Joint(store);
        string account = await AccountAsync(store);
        var (writer, _) = await WriteAsync(store, "short-lived");
        PreparedBlob prepared;
        AppendResult appended;
        await using (writer)
        {
            prepared = joint.TryPrepare(writer)!;
            appended = Assert.Single(await joint.AppendAllWithBlobsAsync(account, "INBOX",
                [new MessageToAppend(prepared.Blob, TestData.Now(), MessageFlags.None, [])], [writer], _ct));
        }
        await store.Mailboxes.ExpungeAsync(account, "INBOX", [appended.Uid], _ct);

        await store.Blobs.DeleteAsync(prepared.Blob.Id, _ct);

        Assert.False(await store.Blobs.ExistsAsync(prepared.Blob.Id, _ct));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => store.Blobs.OpenReadAsync(prepared.Blob.Id, _ct));
    }

    [Fact]
    public async Task Rows_and_blob_of_a_joint_append_both_survive_a_crash_copy_of_the_folder()
    {
        using var crashed = new TempFolder();
        string account;
        byte[] bytes;
        PreparedBlob prepared;
        await using (EmbeddedStorage store = Open())
        {
            var joint = Joint(store);
            account = await AccountAsync(store);
            IBlobWriter writer;
            (writer, bytes) = await WriteAsync(store, "crash");
            await using (writer)
            {
                prepared = joint.TryPrepare(writer)!;
                await joint.AppendAllWithBlobsAsync(account, "INBOX", [new MessageToAppend(prepared.Blob, TestData.Now(), MessageFlags.None, [])], [writer], _ct);
            }
            // As a crash leaves them: WAL not checkpointed, no shared-memory index.
            StoredBlobs.CrashCopy(_folder.Path, crashed.Path);
        }

        await using EmbeddedStorage recovered = EmbeddedStorage.Open(crashed.Path, new EmbeddedStorageOptions { SmallBlobThreshold = Threshold });
        Assert.Equal(prepared.Blob, Assert.Single(await recovered.Mailboxes.GetMessagesAsync(account, "INBOX", _ct)).Blob);
        Assert.Equal(bytes, await StoredBlobs.ReadAsync(recovered, prepared.Blob.Id));
    }

    [Fact]
    public async Task Reads_ask_first_the_database_where_the_last_reads_found_their_rows_and_still_find_every_row()
    {
        await using EmbeddedStorage store = Open();
        var appended = await AppendedAsync(store, 4);
        var received = await ReceivedAsync(store, 2);

        long queueReads = store.QueueDatabase.Reads, mailReads = store.MailDatabase.Reads;
        Assert.Equal(appended[0].Bytes, await StoredBlobs.ReadAsync(store, appended[0].Id)); // the queue's table first: a miss
        Assert.Equal((1, 1), (store.QueueDatabase.Reads - queueReads, store.MailDatabase.Reads - mailReads));
        foreach (var (id, bytes) in appended.Skip(1)) Assert.Equal(bytes, await StoredBlobs.ReadAsync(store, id));
        Assert.Equal((1, 4), (store.QueueDatabase.Reads - queueReads, store.MailDatabase.Reads - mailReads)); // one query each

        foreach (var (id, bytes) in received) Assert.Equal(bytes, await StoredBlobs.ReadAsync(store, id)); // still found
        Assert.Equal((3, 6), (store.QueueDatabase.Reads - queueReads, store.MailDatabase.Reads - mailReads));
    }

    [Fact]
    public async Task Rows_opened_together_cost_one_read_of_each_database_are_not_kept_and_rows_a_client_read_cost_none()
    {
        await using EmbeddedStorage store = Open();
        var stored = await AppendedAsync(store, 3);
        stored.AddRange(await ReceivedAsync(store, 2));
        byte[] large = TestData.RandomBytes(Threshold + 1); // a file
        string file = Unique.MessageId();
        await using (IBlobWriter writer = store.Blobs.CreateWriter(file))
        {
            await writer.WriteAsync(large, _ct);
            await writer.CommitAsync(_ct);
        }
        stored.Add((file, large));
        var ids = stored.ConvertAll(s => s.Id);

        long queueReads = store.QueueDatabase.Reads, mailReads = store.MailDatabase.Reads;
        Assert.Equal(stored.Select(s => s.Bytes), await ReadAllAsync(store.Blobs.OpenManyForClient(ids, _ct)));
        Assert.Equal((1, 1), (store.QueueDatabase.Reads - queueReads, store.MailDatabase.Reads - mailReads));

        // A message list is not kept (it would crowd out what clients read again); rows a client read are, and are not read again.
        var blobs = Assert.IsType<TieredMessageBlobStore>(store.Blobs);
        Assert.Equal(0, blobs.CachedBytes);
        foreach (var (id, _) in stored.Take(3)) await (await store.Blobs.OpenReadForClientAsync(id, _ct)).DisposeAsync();
        Assert.True(blobs.CachedBytes > 0);
        queueReads = store.QueueDatabase.Reads;
        mailReads = store.MailDatabase.Reads;
        Assert.Equal(stored.Take(3).Select(s => s.Bytes), await ReadAllAsync(store.Blobs.OpenManyForClient(ids[..3], _ct)));
        Assert.Equal((0, 0), (store.QueueDatabase.Reads - queueReads, store.MailDatabase.Reads - mailReads));
        Assert.Equal(large, (await ReadAllAsync(store.Blobs.OpenManyForClient([file], _ct)))[0]);
    }

    /// <summary><paramref name="count"/> small messages appended over IMAP to a new account's INBOX: rows of the mail database.</summary>
    private async Task<List<(string Id, byte[] Bytes)>> AppendedAsync(EmbeddedStorage store, int count)
    {
        var joint = Joint(store);
        string account = await AccountAsync(store);
        var appended = new List<(string Id, byte[] Bytes)>();
        for (int i = 0; i < count; i++)
        {
            var (writer, bytes) = await WriteAsync(store, $"appended {i}");
            await using (writer)
            {
                PreparedBlob prepared = joint.TryPrepare(writer)!;
                await joint.AppendAllWithBlobsAsync(account, "INBOX", [new MessageToAppend(prepared.Blob, TestData.Now(), MessageFlags.None, [])], [writer], _ct);
                appended.Add((prepared.Blob.Id, bytes));
            }
        }
        return appended;
    }

    /// <summary><paramref name="count"/> small messages committed as received mail is: rows of the queue database.</summary>
    private async Task<List<(string Id, byte[] Bytes)>> ReceivedAsync(EmbeddedStorage store, int count)
    {
        var received = new List<(string Id, byte[] Bytes)>();
        for (int i = 0; i < count; i++)
        {
            var (writer, bytes) = await WriteAsync(store, $"received {i}");
            await using (writer) received.Add(((await writer.CommitAsync(_ct)).Id, bytes));
        }
        return received;
    }

    private async Task<List<byte[]>> ReadAllAsync(IReadOnlyList<Task<Stream>> opens)
    {
        var all = new List<byte[]>();
        foreach (var open in opens)
        {
            await using Stream stream = await open;
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, _ct);
            all.Add(copy.ToArray());
        }
        return all;
    }

    [Fact]
    public void The_table_asked_first_follows_where_rows_were_found_and_a_long_run_takes_as_long_to_undo()
    {
        var order = new BlobTableOrder();
        Assert.False(order.IndexTableFirst); // received mail first: the queue database's table
        order.Found(inIndexTable: true);
        Assert.True(order.IndexTableFirst);
        for (int i = 0; i < 3 * BlobTableOrder.Memory; i++) order.Found(inIndexTable: true);
        for (int i = 0; i < BlobTableOrder.Memory - 1; i++) order.Found(inIndexTable: false);
        Assert.True(order.IndexTableFirst);
        order.Found(inIndexTable: false);
        Assert.False(order.IndexTableFirst);
    }

    private EmbeddedStorage Open() => EmbeddedStorage.Open(_folder.Path, new EmbeddedStorageOptions { SmallBlobThreshold = Threshold });

    private static IJointBlobMailboxIndex Joint(EmbeddedStorage store) => Assert.IsAssignableFrom<IJointBlobMailboxIndex>(store.Mailboxes);

    private async Task<string> AccountAsync(EmbeddedStorage store)
    {
        string account = Unique.Account();
        await store.Mailboxes.EnsureDefaultMailboxesAsync(account, _ct);
        return account;
    }

    private async Task<(IBlobWriter Writer, byte[] Bytes)> WriteAsync(EmbeddedStorage store, string subject)
    {
        byte[] bytes = Message(subject);
        IBlobWriter writer = store.Blobs.CreateWriter(Unique.MessageId());
        await writer.WriteAsync(bytes, _ct);
        return (writer, bytes);
    }

    private static byte[] Message(string subject) => Encoding.ASCII.GetBytes($"Subject: {subject}\r\nFrom: a@example.org\r\n\r\nbody of {subject}\r\n");

    public void Dispose() => _folder.Dispose();
}
