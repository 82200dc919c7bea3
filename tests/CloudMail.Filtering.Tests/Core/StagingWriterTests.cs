using CloudMail.Core.Intake;
using CloudMail.SendApi.Tests.Fakes;

namespace CloudMail.Filtering.Tests.Core;

/// <summary>StagingWriter: a message up to MemoryLimit is held in memory byte for byte, a larger one spills whole into the staging blob.</summary>
public class StagingWriterTests
{
    private static byte[] Bytes(int count) => [.. Enumerable.Range(0, count).Select(i => (byte)(i * 31 + i / 251))];

    private static async Task WriteInChunksAsync(StagingWriter writer, byte[] bytes, int chunk)
    {
        for (int offset = 0; offset < bytes.Length; offset += chunk)
            await writer.WriteAsync(bytes.AsMemory(offset, Math.Min(chunk, bytes.Length - offset)), default);
    }

    [Theory]
    [InlineData(1, 3000)]
    [InlineData(997, 100_000)]
    [InlineData(8192, StagingWriter.MemoryLimit)]
    [InlineData(65_537, StagingWriter.MemoryLimit)]
    public async Task A_message_up_to_the_limit_is_held_in_memory_as_written(int chunk, int size)
    {
        var blobs = new InMemoryBlobStore();
        byte[] bytes = Bytes(size);
        await using var writer = new StagingWriter(() => blobs.CreateWriter("m.staging"));
        await WriteInChunksAsync(writer, bytes, chunk);

        ArraySegment<byte> held = Assert.NotNull(writer.Held);
        Assert.Equal(bytes, held.ToArray());
        Assert.Equal(size, writer.BytesWritten);
        Assert.Empty(blobs.Blobs);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(StagingWriter.MemoryLimit)]
    public async Task A_message_past_the_limit_spills_whole_into_the_staging_blob(int chunk)
    {
        var blobs = new InMemoryBlobStore();
        byte[] bytes = Bytes(StagingWriter.MemoryLimit + 1 + chunk);
        await using var writer = new StagingWriter(() => blobs.CreateWriter("m.staging"));
        await WriteInChunksAsync(writer, bytes, chunk);

        Assert.Null(writer.Held);
        Assert.Equal(bytes.Length, writer.BytesWritten);
        var blob = await writer.CommitAsync(default);
        Assert.Equal("m.staging", blob.Id);
        Assert.Equal(bytes, blobs.Blobs["m.staging"]);
    }
}
