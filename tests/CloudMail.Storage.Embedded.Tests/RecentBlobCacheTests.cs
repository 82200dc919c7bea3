using CloudMail.ContractTests;
using CloudMail.Core.Blobs;
using CloudMail.Storage.Embedded.Blobs;
using CloudMail.Storage.Embedded.Tests.Support;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// Small blobs a mail client read are served from memory afterwards (<see cref="RecentBlobCache"/>), never after they
/// are deleted, within a byte budget, least recently read dropped first; the pipeline's reads keep nothing.
/// </summary>
public sealed class RecentBlobCacheTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    [Fact]
    public async Task A_read_and_then_deleted_message_is_not_found_any_more()
    {
        await using EmbeddedStorage store = EmbeddedStorage.Open(_folder.Path, new EmbeddedStorageOptions());
        var (id, bytes) = await PutAsync(store, 4096);
        Assert.Equal(bytes, await ClientReadAsync(store, id));
        Assert.Equal(bytes, await ClientReadAsync(store, id)); // the second read is the kept copy

        await store.Blobs.DeleteAsync(id, _ct);

        await Assert.ThrowsAsync<BlobNotFoundException>(() => store.Blobs.OpenReadForClientAsync(id, _ct));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => store.Blobs.OpenReadAsync(id, _ct));
    }

    [Fact]
    public async Task Only_a_clients_read_keeps_a_copy_and_every_read_is_served_from_it()
    {
        await using EmbeddedStorage store = EmbeddedStorage.Open(_folder.Path, new EmbeddedStorageOptions());
        var (id, bytes) = await PutAsync(store, 2000);
        var tiered = Assert.IsType<TieredMessageBlobStore>(store.Blobs);

        Assert.Equal(bytes, await StoredBlobs.ReadAsync(store, id)); // the pipeline's read (filters, indexing)
        Assert.Equal(0, tiered.CachedBytes);
        Assert.Equal(bytes, await ClientReadAsync(store, id));
        Assert.Equal(2000, tiered.CachedBytes);
        Assert.Equal(bytes, await StoredBlobs.ReadAsync(store, id));
    }

    [Fact]
    public async Task Two_readers_of_a_kept_message_read_it_independently()
    {
        await using EmbeddedStorage store = EmbeddedStorage.Open(_folder.Path, new EmbeddedStorageOptions());
        var (id, bytes) = await PutAsync(store, 1000);
        await using Stream first = await store.Blobs.OpenReadForClientAsync(id, _ct);
        first.Position = 600;
        await using Stream second = await store.Blobs.OpenReadForClientAsync(id, _ct);

        var read = new byte[1000];
        await second.ReadExactlyAsync(read, _ct);

        Assert.Equal(bytes, read);
        Assert.Equal(600, first.Position);
        Assert.False(second.CanWrite);
    }

    [Fact]
    public void The_least_recently_read_blob_goes_first_when_the_budget_is_exceeded()
    {
        var cache = new RecentBlobCache(capacityBytes: 800);
        cache.TryAdd("a", new byte[100], cache.Version);
        cache.TryAdd("b", new byte[100], cache.Version);
        Assert.True(cache.TryGet("a", out _)); // now b is the least recently read
        for (int i = 0; i < 7; i++) cache.TryAdd("c" + i, new byte[100], cache.Version);

        Assert.True(cache.TryGet("a", out _));
        Assert.False(cache.TryGet("b", out _));
        Assert.Equal(800, cache.Bytes);
    }

    [Fact]
    public void A_read_that_started_before_a_delete_does_not_put_its_copy_back()
    {
        var cache = new RecentBlobCache(capacityBytes: 1 << 20);
        long before = cache.Version;
        cache.Remove("gone");

        cache.TryAdd("gone", new byte[10], before);

        Assert.False(cache.TryGet("gone", out _));
        Assert.Equal(0, cache.Bytes);
    }

    [Theory]
    [InlineData(0, 1)]          // 0 keeps nothing
    [InlineData(8000, 1001)]    // more than an eighth of the budget is not kept
    public void Nothing_is_kept_beyond_the_limits(long capacity, int size)
    {
        var cache = new RecentBlobCache(capacity);
        cache.TryAdd("x", new byte[size], cache.Version);
        Assert.False(cache.TryGet("x", out _));
    }

    private async Task<byte[]> ClientReadAsync(EmbeddedStorage store, string id)
    {
        await using Stream stream = await store.Blobs.OpenReadForClientAsync(id, _ct);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, _ct);
        return copy.ToArray();
    }

    private async Task<(string Id, byte[] Bytes)> PutAsync(EmbeddedStorage store, int size)
    {
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(size);
        await using IBlobWriter writer = store.Blobs.CreateWriter(id);
        await writer.WriteAsync(bytes, _ct);
        await writer.CommitAsync(_ct);
        return (id, bytes);
    }

    public void Dispose() => _folder.Dispose();
}
