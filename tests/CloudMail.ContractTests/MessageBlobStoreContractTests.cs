using CloudMail.Core.Blobs;

namespace CloudMail.ContractTests;

/// <summary>The <see cref="IMessageBlobStore"/> contract: write-once, durable on commit, invisible before.</summary>
public abstract class MessageBlobStoreContractTests : ContractTest<IMessageBlobStore>
{
    protected IMessageBlobStore Store => Subject;

    [Fact]
    public async Task Committed_blob_reads_back_the_same_bytes()
    {
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(10_000);

        await PutAsync(id, bytes);

        Assert.Equal(bytes, await ReadAsync(id));
        Assert.True(await Store.ExistsAsync(id, Ct));
    }

    [Fact]
    public async Task Commit_reports_id_size_and_lower_case_sha256_of_the_bytes()
    {
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(3_000);

        BlobRef blob = await PutAsync(id, bytes);

        Assert.Equal(new BlobRef(id, bytes.Length, TestData.Sha256Hex(bytes)), blob);
    }

    [Fact]
    public async Task BytesWritten_counts_the_bytes_while_streaming()
    {
        await using IBlobWriter writer = Store.CreateWriter(Unique.MessageId());
        Assert.Equal(0, writer.BytesWritten);

        await writer.WriteAsync(new byte[100], Ct);
        await writer.WriteAsync(new byte[23], Ct);

        Assert.Equal(123, writer.BytesWritten);
    }

    [Fact]
    public async Task Blob_is_invisible_until_committed()
    {
        string id = Unique.MessageId();
        await using IBlobWriter writer = Store.CreateWriter(id);
        await writer.WriteAsync(TestData.RandomBytes(500), Ct);

        Assert.False(await Store.ExistsAsync(id, Ct));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync(id, Ct));

        await writer.CommitAsync(Ct);
        Assert.True(await Store.ExistsAsync(id, Ct));
    }

    [Fact]
    public async Task Disposing_an_uncommitted_writer_discards_the_bytes()
    {
        string id = Unique.MessageId();
        await using (IBlobWriter writer = Store.CreateWriter(id))
        {
            await writer.WriteAsync(TestData.RandomBytes(500), Ct);
        }

        Assert.False(await Store.ExistsAsync(id, Ct));
        byte[] bytes = TestData.RandomBytes(200);
        await PutAsync(id, bytes);
        Assert.Equal(bytes, await ReadAsync(id));
    }

    [Fact]
    public async Task Committing_the_same_id_again_with_identical_bytes_is_harmless()
    {
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(4_000);
        BlobRef first = await PutAsync(id, bytes);

        BlobRef second = await PutAsync(id, bytes);

        Assert.Equal(first, second);
        Assert.Equal(bytes, await ReadAsync(id));
    }

    [Fact]
    public async Task Committing_the_same_id_with_different_bytes_throws_and_keeps_the_first_blob()
    {
        string id = Unique.MessageId();
        byte[] original = TestData.RandomBytes(1_000);
        await PutAsync(id, original);

        await Assert.ThrowsAsync<InvalidOperationException>(() => PutAsync(id, TestData.RandomBytes(1_000)));

        Assert.Equal(original, await ReadAsync(id));
    }

    [Theory]
    [InlineData(1_000, 600_000)]
    [InlineData(600_000, 1_000)]
    public async Task Write_once_holds_between_a_small_and_a_large_message_under_one_id(int first, int second)
    {
        // Backends may keep small and large messages in different places; one id is still one blob.
        string id = Unique.MessageId();
        byte[] original = TestData.RandomBytes(first);
        await PutAsync(id, original);

        await Assert.ThrowsAsync<InvalidOperationException>(() => PutAsync(id, TestData.RandomBytes(second)));

        Assert.Equal(original, await ReadAsync(id));
    }

    [Theory]
    [InlineData(5_000)]
    [InlineData(600_000)]
    public async Task Read_stream_is_seekable_for_partial_fetches(int size)
    {
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(size);
        await PutAsync(id, bytes);

        await using Stream stream = await Store.OpenReadAsync(id, Ct);
        Assert.True(stream.CanSeek);
        stream.Position = size - 100;
        byte[] tail = new byte[100];
        await stream.ReadExactlyAsync(tail, Ct);

        Assert.Equal(bytes.AsSpan(size - 100).ToArray(), tail);
    }

    [Fact]
    public async Task Opening_a_missing_blob_throws_BlobNotFoundException()
    {
        string id = Unique.MessageId();

        var thrown = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync(id, Ct));

        Assert.Equal(id, thrown.BlobId);
        Assert.False(await Store.ExistsAsync(id, Ct));
    }

    [Fact]
    public async Task Opening_many_gives_each_blob_in_order_and_a_missing_one_fails_alone()
    {
        var blobs = new[] { 0, 1, 5_000, 70_000, 600_000 }.Select(size => (Id: Unique.MessageId(), Bytes: TestData.RandomBytes(size))).ToList();
        foreach (var (id, bytes) in blobs) await PutAsync(id, bytes);
        string missing = Unique.MessageId();
        // Read once already (a store may keep what a client read), a repeated id, a missing one in the middle.
        await (await Store.OpenReadForClientAsync(blobs[2].Id, Ct)).DisposeAsync();
        string[] ids = [blobs[0].Id, blobs[1].Id, missing, blobs[2].Id, blobs[3].Id, blobs[1].Id, blobs[4].Id];

        IReadOnlyList<Task<Stream>> opens = Store.OpenManyForClient(ids, Ct);

        Assert.Equal(ids.Length, opens.Count);
        var thrown = await Assert.ThrowsAsync<BlobNotFoundException>(() => opens[2]);
        Assert.Equal(missing, thrown.BlobId);
        byte[][] expected = [blobs[0].Bytes, blobs[1].Bytes, [], blobs[2].Bytes, blobs[3].Bytes, blobs[1].Bytes, blobs[4].Bytes];
        foreach (int i in new[] { 6, 0, 1, 3, 4, 5 }) // any order of taking
        {
            await using Stream stream = await opens[i];
            Assert.True(stream.CanSeek);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, Ct);
            Assert.Equal(expected[i], copy.ToArray());
        }
    }

    [Fact]
    public void Opening_none_gives_none() => Assert.Empty(Store.OpenManyForClient([], Ct));

    [Fact]
    public async Task Delete_removes_the_blob_and_deleting_a_missing_blob_is_no_error()
    {
        string id = Unique.MessageId();
        await PutAsync(id, TestData.RandomBytes(100));

        await Store.DeleteAsync(id, Ct);
        await Store.DeleteAsync(id, Ct);
        await Store.DeleteAsync(Unique.MessageId(), Ct);

        Assert.False(await Store.ExistsAsync(id, Ct));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync(id, Ct));
    }

    [Fact]
    public async Task Empty_message_can_be_stored()
    {
        string id = Unique.MessageId();

        BlobRef blob = await PutAsync(id, []);

        Assert.Equal(0, blob.Size);
        Assert.Equal(TestData.Sha256Hex([]), blob.Sha256);
        Assert.Empty(await ReadAsync(id));
    }

    [Fact]
    public async Task Large_message_streamed_in_small_chunks_keeps_every_byte()
    {
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(3 * 1024 * 1024 + 17);

        BlobRef blob = await PutAsync(id, bytes, chunkSize: 1000);

        Assert.Equal(bytes.Length, blob.Size);
        Assert.Equal(TestData.Sha256Hex(bytes), blob.Sha256);
        Assert.Equal(bytes, await ReadAsync(id));
    }

    [Fact]
    public async Task Concurrent_writers_of_different_blobs_do_not_interfere()
    {
        var blobs = Enumerable.Range(0, 16).Select(i => (Id: Unique.MessageId(), Bytes: TestData.RandomBytes(1_000 + i))).ToList();

        await Task.WhenAll(blobs.Select(b => PutAsync(b.Id, b.Bytes, chunkSize: 100)));

        foreach ((string id, byte[] bytes) in blobs) Assert.Equal(bytes, await ReadAsync(id));
    }

    protected async Task<BlobRef> PutAsync(string id, byte[] bytes, int chunkSize = 4096)
    {
        await using IBlobWriter writer = Store.CreateWriter(id);
        for (int offset = 0; offset < bytes.Length; offset += chunkSize)
        {
            await writer.WriteAsync(bytes.AsMemory(offset, Math.Min(chunkSize, bytes.Length - offset)), Ct);
        }
        return await writer.CommitAsync(Ct);
    }

    protected async Task<byte[]> ReadAsync(string id)
    {
        await using Stream stream = await Store.OpenReadAsync(id, Ct);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }
}
