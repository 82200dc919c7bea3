using System.Buffers;
using CloudMail.ContractTests;
using CloudMail.Storage.Embedded.Blobs;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// The stream a small blob's row is read into: the bytes as stored, seekable, and unusable once disposed (its pooled
/// array goes back to the pool then, so a late reader must fail rather than read another message's bytes).
/// </summary>
public sealed class PooledBlobStreamTests
{
    private static PooledBlobStream Over(byte[] bytes)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(rented, 0);
        return new PooledBlobStream(rented, bytes.Length);
    }

    [Fact]
    public async Task Reads_seeks_and_copies_exactly_the_blobs_bytes()
    {
        byte[] bytes = TestData.RandomBytes(100_000);
        await using var stream = Over(bytes);
        Assert.Equal(bytes.Length, stream.Length);

        byte[] head = new byte[1000];
        await stream.ReadExactlyAsync(head);
        Assert.Equal(bytes[..1000], head);
        Assert.Equal(bytes[1000], stream.ReadByte());

        stream.Seek(-10, SeekOrigin.End);
        var tail = new MemoryStream();
        await stream.CopyToAsync(tail);
        Assert.Equal(bytes[^10..], tail.ToArray());
        Assert.Equal(0, await stream.ReadAsync(new byte[1]));

        stream.Position = 50_000;
        var rest = new MemoryStream();
        stream.CopyTo(rest);
        Assert.Equal(bytes[50_000..], rest.ToArray());
        Assert.Throws<IOException>(() => stream.Seek(-1, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
    }

    [Fact]
    public async Task After_disposal_every_read_fails()
    {
        var stream = Over(TestData.RandomBytes(4096));
        await stream.DisposeAsync();
        await stream.DisposeAsync(); // a second disposal returns nothing twice

        Assert.False(stream.CanRead);
        Assert.Throws<ObjectDisposedException>(() => stream.Read(new byte[10], 0, 10));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await stream.ReadExactlyAsync(new byte[10]));
        Assert.Throws<ObjectDisposedException>(() => stream.Length);
        Assert.Throws<ObjectDisposedException>(() => stream.Position = 0);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => stream.CopyToAsync(new MemoryStream()));
    }
}
