using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using CloudMail.ContractTests;
using CloudMail.Core.Blobs;
using CloudMail.Core.Intake;
using CloudMail.Core.Messages;
using CloudMail.Storage.Azure;
using CloudMail.Storage.Azure.Blobs;
using CloudMail.Storage.Azure.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudMail.Storage.Azure.Tests.Blobs;

/// <summary>How the blob store uses Blob storage (on Azurite): staged blocks, metadata, write-once races.</summary>
public sealed class BlobStoreOnAzureTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private const int BlockSize = 64 * 1024;
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private AzureMessageBlobStore Store => new(fixture.Clients.MessagesContainer, new AzureStorageOptions { BlobBlockSize = BlockSize },
        NullLogger<AzureMessageBlobStore>.Instance);

    [Fact]
    public async Task A_large_message_is_staged_in_blocks_while_streaming_and_committed_as_one_blob()
    {
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(3 * BlockSize + 123);
        BlockBlobClient blob = fixture.Clients.MessagesContainer.GetBlockBlobClient(SpreadKeys.BlobName(id));

        await using (IBlobWriter writer = Store.CreateWriter(id))
        {
            for (int offset = 0; offset < bytes.Length; offset += 1000)
            {
                await writer.WriteAsync(bytes.AsMemory(offset, Math.Min(1000, bytes.Length - offset)), _ct);
            }
            BlockList staged = (await blob.GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: _ct)).Value;
            Assert.Equal(3, staged.UncommittedBlocks.Count());
            Assert.False(await Store.ExistsAsync(id, _ct));

            await writer.CommitAsync(_ct);
        }

        BlockList committed = (await blob.GetBlockListAsync(BlockListTypes.Committed, cancellationToken: _ct)).Value;
        Assert.Equal(4, committed.CommittedBlocks.Count());
        BlobProperties properties = (await blob.GetPropertiesAsync(cancellationToken: _ct)).Value;
        Assert.Equal(TestData.Sha256Hex(bytes), properties.Metadata[AzureBlobWriter.Sha256Metadata]);
        Assert.Equal("message/rfc822", properties.ContentType);
        Assert.Equal(bytes.Length, properties.ContentLength);
    }

    [Fact]
    public async Task A_small_message_is_one_upload_with_its_hash_in_metadata()
    {
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(500);

        await using (IBlobWriter writer = Store.CreateWriter(id))
        {
            await writer.WriteAsync(bytes, _ct);
            await writer.CommitAsync(_ct);
        }

        BlobProperties properties = (await fixture.Clients.MessagesContainer.GetBlobClient(SpreadKeys.BlobName(id)).GetPropertiesAsync(cancellationToken: _ct)).Value;
        Assert.Equal(TestData.Sha256Hex(bytes), properties.Metadata[AzureBlobWriter.Sha256Metadata]);
    }

    [Fact]
    public void Blob_names_of_time_ordered_ids_spread_over_many_prefixes()
    {
        var prefixes = Enumerable.Range(0, 1000).Select(_ => SpreadKeys.BlobName(Unique.MessageId())[..3]).ToHashSet();

        Assert.All(prefixes, p => Assert.Matches("^[0-9a-f]{2}/$", p));
        Assert.True(prefixes.Count > 200, $"{prefixes.Count} prefixes");
    }

    [Fact]
    public async Task A_blob_stored_under_its_bare_id_before_the_spread_names_is_still_found_read_and_deleted()
    {
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(300);
        var legacy = fixture.Clients.MessagesContainer.GetBlobClient(id);
        await legacy.UploadAsync(new BinaryData(bytes), _ct);

        Assert.True(await Store.ExistsAsync(id, _ct));
        Assert.Equal(bytes, await ReadAsync(id));
        await Store.DeleteAsync(id, _ct);

        Assert.False((await legacy.ExistsAsync(_ct)).Value);
        Assert.False(await Store.ExistsAsync(id, _ct));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync(id, _ct));
    }

    private async Task WriteAsync(string id, byte[] bytes)
    {
        await using IBlobWriter writer = Store.CreateWriter(id);
        await writer.WriteAsync(bytes, _ct);
        await writer.CommitAsync(_ct);
    }

    /// <summary>A message id as <see cref="MessageIds.New"/> would have made it at <paramref name="made"/>.</summary>
    private static string IdMadeAt(DateTimeOffset made) => MessageIds.TimePrefix(made) + Unique.MessageId()[MessageIds.TimePrefixLength..];

    [Fact]
    public async Task A_staging_blob_lives_in_the_staging_folder_and_is_read_found_and_deleted_there()
    {
        string id = Unique.MessageId() + MessageIntake.StagingSuffix;
        byte[] bytes = TestData.RandomBytes(700);

        await WriteAsync(id, bytes);

        Assert.True((await fixture.Clients.MessagesContainer.GetBlobClient("staging/" + SpreadKeys.BlobName(id)).ExistsAsync(_ct)).Value);
        Assert.True(await Store.ExistsAsync(id, _ct));
        Assert.Equal(bytes, await ReadAsync(id));
        await Store.DeleteAsync(id, _ct);
        Assert.False(await Store.ExistsAsync(id, _ct));
    }

    [Fact]
    public async Task The_sweep_removes_staging_blobs_made_before_the_cutoff_and_nothing_else()
    {
        DateTimeOffset cutoff = DateTimeOffset.UtcNow.AddHours(-1);
        string oldStaging = IdMadeAt(cutoff.AddDays(-2)) + MessageIntake.StagingSuffix;
        string liveStaging = IdMadeAt(cutoff.AddMinutes(30)) + MessageIntake.StagingSuffix;
        string oldMessage = IdMadeAt(cutoff.AddDays(-2));
        foreach (string id in new[] { oldStaging, liveStaging, oldMessage }) await WriteAsync(id, TestData.RandomBytes(100));
        // A staging blob written before the staging folder existed (spread name only) is still found, and deleted by id.
        string legacyStaging = IdMadeAt(cutoff.AddDays(-2)) + MessageIntake.StagingSuffix;
        await fixture.Clients.MessagesContainer.GetBlobClient(SpreadKeys.BlobName(legacyStaging)).UploadAsync(new BinaryData(new byte[10]), _ct);
        Assert.True(await Store.ExistsAsync(legacyStaging, _ct));

        int removed = await Store.SweepStagingAsync(cutoff, _ct);

        Assert.True(removed >= 1, $"{removed} removed");
        Assert.False(await Store.ExistsAsync(oldStaging, _ct));
        Assert.True(await Store.ExistsAsync(liveStaging, _ct));
        Assert.True(await Store.ExistsAsync(oldMessage, _ct));
        await Store.DeleteAsync(legacyStaging, _ct);
        Assert.False(await Store.ExistsAsync(legacyStaging, _ct));
    }

    [Fact]
    public async Task Two_writers_racing_on_one_id_with_the_same_bytes_both_succeed()
    {
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(2 * BlockSize + 5);
        await using IBlobWriter first = Store.CreateWriter(id);
        await using IBlobWriter second = Store.CreateWriter(id);
        await first.WriteAsync(bytes, _ct);
        await second.WriteAsync(bytes, _ct);

        BlobRef a = await first.CommitAsync(_ct);
        BlobRef b = await second.CommitAsync(_ct);

        Assert.Equal(a, b);
        Assert.Equal(bytes, await ReadAsync(id));
    }

    [Fact]
    public async Task Two_writers_racing_on_one_id_with_different_bytes_keep_the_first_and_fail_the_second()
    {
        string id = Unique.MessageId();
        byte[] original = TestData.RandomBytes(2 * BlockSize + 5);
        await using IBlobWriter first = Store.CreateWriter(id);
        await using IBlobWriter second = Store.CreateWriter(id);
        await first.WriteAsync(original, _ct);
        await second.WriteAsync(TestData.RandomBytes(2 * BlockSize + 5), _ct);

        await first.CommitAsync(_ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => second.CommitAsync(_ct));
        Assert.Equal(original, await ReadAsync(id));
    }

    [Fact]
    public async Task Writing_after_commit_throws()
    {
        await using IBlobWriter writer = Store.CreateWriter(Unique.MessageId());
        await writer.WriteAsync(new byte[10], _ct);
        await writer.CommitAsync(_ct);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteAsync(new byte[1], _ct));
    }

    private async Task<byte[]> ReadAsync(string id)
    {
        await using Stream stream = await Store.OpenReadAsync(id, _ct);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, _ct);
        return copy.ToArray();
    }
}
