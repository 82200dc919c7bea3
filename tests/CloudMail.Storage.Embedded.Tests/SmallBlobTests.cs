using CloudMail.ContractTests;
using CloudMail.Core.Blobs;
using CloudMail.Storage.Embedded.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// Messages up to the small-blob threshold are rows of queue.db (group-committed), larger ones files; both are
/// durable on commit, write-once across the two places, and read back as seekable streams.
/// </summary>
public sealed class SmallBlobTests : IDisposable
{
    private const int Threshold = 1024;

    private readonly TempFolder _folder = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    private string Messages => Path.Combine(_folder.Path, EmbeddedStorage.MessagesFolder);
    private string Temp => Path.Combine(Messages, "tmp");

    [Fact]
    public async Task Message_up_to_the_threshold_is_a_row_and_never_touches_the_file_system()
    {
        await using EmbeddedStorage store = Open();
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(Threshold);

        await using (IBlobWriter writer = store.Blobs.CreateWriter(id))
        {
            await writer.WriteAsync(bytes.AsMemory(0, 100), _ct);
            await writer.WriteAsync(bytes.AsMemory(100), _ct);
            Assert.Empty(System.IO.Directory.EnumerateFiles(Temp));
            Assert.Equal(new BlobRef(id, Threshold, TestData.Sha256Hex(bytes)), await writer.CommitAsync(_ct));
        }

        Assert.Empty(MessageFiles());
        Assert.Equal(bytes, await StoredBlobs.ReadAsync(store, id));
    }

    [Fact]
    public async Task Message_one_byte_over_the_threshold_spills_to_a_file_when_it_crosses_it()
    {
        await using EmbeddedStorage store = Open();
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(Threshold + 1);

        await using (IBlobWriter writer = store.Blobs.CreateWriter(id))
        {
            await writer.WriteAsync(bytes.AsMemory(0, Threshold), _ct);
            Assert.Empty(System.IO.Directory.EnumerateFiles(Temp));
            await writer.WriteAsync(bytes.AsMemory(Threshold), _ct);
            Assert.Single(System.IO.Directory.EnumerateFiles(Temp));
            Assert.Equal(Threshold + 1, writer.BytesWritten);
            await writer.CommitAsync(_ct);
        }

        Assert.Single(MessageFiles());
        Assert.Empty(System.IO.Directory.EnumerateFiles(Temp));
        Assert.Equal(bytes, await StoredBlobs.ReadAsync(store, id));
    }

    [Fact]
    public async Task Disposing_an_uncommitted_spilled_writer_removes_its_temp_file()
    {
        await using EmbeddedStorage store = Open();
        string id = Unique.MessageId();

        await using (IBlobWriter writer = store.Blobs.CreateWriter(id))
        {
            await writer.WriteAsync(TestData.RandomBytes(Threshold * 3), _ct);
        }

        Assert.Empty(System.IO.Directory.EnumerateFiles(Temp));
        Assert.False(await store.Blobs.ExistsAsync(id, _ct));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(Threshold * 4)]
    public async Task Both_kinds_survive_a_crash_copy_of_the_folder(int size)
    {
        using var crashed = new TempFolder();
        await using EmbeddedStorage store = Open();
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(size);
        await PutAsync(store, id, bytes);

        // As a crash leaves them: WAL not checkpointed, files never closed cleanly, no shared-memory index.
        StoredBlobs.CrashCopy(_folder.Path, crashed.Path);

        await using EmbeddedStorage recovered = EmbeddedStorage.Open(crashed.Path, Options());
        Assert.Equal(bytes, await StoredBlobs.ReadAsync(recovered, id));
    }

    [Theory]
    [InlineData(10, 20)]
    [InlineData(Threshold * 2, Threshold * 2)]
    [InlineData(10, Threshold * 2)]
    [InlineData(Threshold * 2, 10)]
    public async Task Different_bytes_under_a_committed_id_are_refused_whichever_place_holds_it(int first, int second)
    {
        await using EmbeddedStorage store = Open();
        string id = Unique.MessageId();
        byte[] original = TestData.RandomBytes(first);
        await PutAsync(store, id, original);

        await Assert.ThrowsAsync<InvalidOperationException>(() => PutAsync(store, id, TestData.RandomBytes(second)));

        Assert.Equal(original, await StoredBlobs.ReadAsync(store, id));
    }

    [Fact]
    public async Task A_file_stored_under_an_earlier_smaller_threshold_is_recognised_by_a_repeated_small_commit()
    {
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(100);
        BlobRef first;
        await using (EmbeddedStorage filesOnly = EmbeddedStorage.Open(_folder.Path, new EmbeddedStorageOptions { SmallBlobThreshold = 0 }))
        {
            first = await PutAsync(filesOnly, id, bytes);
        }

        await using EmbeddedStorage store = Open();
        Assert.Equal(first, await PutAsync(store, id, bytes));
        await Assert.ThrowsAsync<InvalidOperationException>(() => PutAsync(store, id, TestData.RandomBytes(100)));
        Assert.Equal(bytes, await StoredBlobs.ReadAsync(store, id));
    }

    [Fact]
    public async Task Concurrent_small_commits_share_group_commits_and_all_read_back()
    {
        await using EmbeddedStorage store = Open();
        var blobs = Enumerable.Range(0, 64).Select(i => (Id: Unique.MessageId(), Bytes: TestData.RandomBytes(100 + i))).ToList();
        // Hold the writer thread inside one transaction so that every commit below is queued behind it.
        using var release = new ManualResetEventSlim();
        using var holding = new ManualResetEventSlim();
        Task held = store.QueueDatabase.WriteAsync(_ => { holding.Set(); release.Wait(); }, _ct);
        Assert.True(holding.Wait(TimeSpan.FromSeconds(10)));
        long commitsBefore = store.QueueDatabase.Commits;

        Task<BlobRef>[] puts = blobs.Select(b => Task.Run(() => PutAsync(store, b.Id, b.Bytes))).ToArray();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (store.QueueDatabase.PendingWrites < blobs.Count && DateTime.UtcNow < deadline) await Task.Delay(5, _ct);
        Assert.Equal(blobs.Count, store.QueueDatabase.PendingWrites);
        release.Set();
        await held;
        await Task.WhenAll(puts);

        // The held transaction plus one batch for all 64 (MaxBatch is 512): never a commit per message.
        Assert.Equal(2, store.QueueDatabase.Commits - commitsBefore);
        foreach ((string id, byte[] bytes) in blobs) Assert.Equal(bytes, await StoredBlobs.ReadAsync(store, id));
        Assert.Empty(MessageFiles());
    }

    [Fact]
    public async Task Concurrent_commits_of_one_small_id_with_identical_bytes_all_succeed()
    {
        await using EmbeddedStorage store = Open();
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(500);

        BlobRef[] refs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PutAsync(store, id, bytes))));

        Assert.All(refs, r => Assert.Equal(refs[0], r));
        Assert.Equal(bytes, await StoredBlobs.ReadAsync(store, id));
    }

    [Theory]
    [InlineData(600)]
    [InlineData(Threshold * 3)]
    public async Task Readers_get_a_seekable_stream_for_section_fetches(int size)
    {
        await using EmbeddedStorage store = Open();
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(size);
        await PutAsync(store, id, bytes);

        await using Stream stream = await store.Blobs.OpenReadAsync(id, _ct);
        Assert.True(stream.CanSeek);
        Assert.Equal(size, stream.Length);
        stream.Seek(size / 2, SeekOrigin.Begin);
        byte[] part = new byte[10];
        await stream.ReadExactlyAsync(part, _ct);
        Assert.Equal(bytes.AsSpan(size / 2, 10).ToArray(), part);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Blobs.SqliteBlobTable.CopiedUpTo)]
    [InlineData(Blobs.SqliteBlobTable.CopiedUpTo + 1)]
    [InlineData(EmbeddedStorageOptions.DefaultSmallBlobThreshold)]
    public async Task A_row_of_any_length_reads_back_whole_for_the_pipeline_and_for_clients(int size)
    {
        await using EmbeddedStorage store = EmbeddedStorage.Open(_folder.Path, new EmbeddedStorageOptions());
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(size);
        await PutAsync(store, id, bytes);
        Assert.Empty(MessageFiles());

        Assert.Equal(bytes, await StoredBlobs.ReadAsync(store, id));
        await using Stream forClient = await store.Blobs.OpenReadForClientAsync(id, _ct);
        using var copy = new MemoryStream();
        await forClient.CopyToAsync(copy, _ct);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task A_long_row_is_read_into_a_pooled_array_without_allocating_one_of_its_size()
    {
        await using EmbeddedStorage store = EmbeddedStorage.Open(_folder.Path, new EmbeddedStorageOptions());
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(200_000);
        await PutAsync(store, id, bytes);
        for (int warm = 0; warm < 2; warm++) await (await store.Blobs.OpenReadAsync(id, _ct)).DisposeAsync();

        // The read completes synchronously (SQLite on this thread), so this thread's allocations are the read's.
        long before = GC.GetAllocatedBytesForCurrentThread();
        Stream stream = await store.Blobs.OpenReadAsync(id, _ct);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        await using (stream)
        {
            Assert.InRange(allocated, 0, bytes.Length / 10);
            byte[] read = new byte[bytes.Length];
            await stream.ReadExactlyAsync(read, _ct);
            Assert.Equal(bytes, read);
        }
    }

    [Fact]
    public async Task Deleting_removes_a_row_durably()
    {
        string id = Unique.MessageId();
        await using (EmbeddedStorage store = Open())
        {
            await PutAsync(store, id, TestData.RandomBytes(50));
            await store.Blobs.DeleteAsync(id, _ct);
        }

        await using EmbeddedStorage reopened = Open();
        Assert.False(await reopened.Blobs.ExistsAsync(id, _ct));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => reopened.Blobs.OpenReadAsync(id, _ct));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(EmbeddedStorageOptions.MaxSmallBlobThreshold + 1)]
    public void Threshold_out_of_range_is_refused_at_open(int threshold)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddedStorage.Open(_folder.Path, new EmbeddedStorageOptions { SmallBlobThreshold = threshold }));
    }

    [Fact]
    public async Task Threshold_comes_from_the_CloudMail_EmbeddedStorage_configuration_section()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [EmbeddedStorageOptions.Section + ":SmallBlobThreshold"] = "0" })
            .Build();
        var services = new ServiceCollection().AddSingleton(configuration).AddCloudMailEmbeddedStorage(_folder.Path);
        await using ServiceProvider provider = services.BuildServiceProvider();
        IMessageBlobStore blobs = provider.GetRequiredService<IMessageBlobStore>();

        await using (IBlobWriter writer = blobs.CreateWriter(Unique.MessageId()))
        {
            await writer.WriteAsync(new byte[] { 1 }, _ct);
            await writer.CommitAsync(_ct);
        }

        Assert.Single(MessageFiles());
    }

    private EmbeddedStorage Open() => EmbeddedStorage.Open(_folder.Path, Options());

    private static EmbeddedStorageOptions Options() => new() { SmallBlobThreshold = Threshold };

    private IEnumerable<string> MessageFiles() =>
        System.IO.Directory.EnumerateFiles(Messages, "*.eml", SearchOption.AllDirectories);

    private async Task<BlobRef> PutAsync(EmbeddedStorage store, string id, byte[] bytes)
    {
        await using IBlobWriter writer = store.Blobs.CreateWriter(id);
        await writer.WriteAsync(bytes, _ct);
        return await writer.CommitAsync(_ct);
    }

    public void Dispose() => _folder.Dispose();
}
