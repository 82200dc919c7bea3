using System.Security.Cryptography;
using System.Text;
using CloudMail.ContractTests;
using CloudMail.Core.Blobs;
using CloudMail.Storage.Embedded.Tests.Support;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// How the embedded blob store lays out message files and cleans up after crashes. Files hold messages above the
/// small-blob threshold; these tests open the store with threshold 0 (every message a file) so that small test
/// payloads exercise the file path (<see cref="SmallBlobTests"/> covers rows and the switch between the two).
/// </summary>
public sealed class BlobFileTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    private string Messages => Path.Combine(_folder.Path, EmbeddedStorage.MessagesFolder);
    private string Temp => Path.Combine(Messages, "tmp");

    [Fact]
    public async Task Committed_blob_is_a_file_in_a_two_hex_digit_shard_folder()
    {
        await using EmbeddedStorage store = OpenFilesOnly();
        string id = Unique.MessageId();

        await PutAsync(store, id, [1, 2, 3]);

        string shard = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(id)))[..2];
        string path = Path.Combine(Messages, shard, id + ".eml");
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(path, _ct));
        Assert.Empty(System.IO.Directory.EnumerateFiles(Temp));
    }

    [Fact]
    public async Task Writer_streams_into_a_temp_file_that_is_gone_after_dispose()
    {
        await using EmbeddedStorage store = OpenFilesOnly();

        await using (IBlobWriter writer = store.Blobs.CreateWriter(Unique.MessageId()))
        {
            await writer.WriteAsync(new byte[100_000], _ct);
            Assert.Single(System.IO.Directory.EnumerateFiles(Temp));
        }

        Assert.Empty(System.IO.Directory.EnumerateFiles(Temp));
    }

    [Fact]
    public async Task Stale_temp_files_from_a_crash_are_removed_at_start()
    {
        System.IO.Directory.CreateDirectory(Temp);
        string stale = Path.Combine(Temp, "0123456789ab0123456789abcdef.deadbeef.tmp");
        await File.WriteAllBytesAsync(stale, new byte[10], _ct);

        await using EmbeddedStorage store = OpenFilesOnly();

        Assert.False(File.Exists(stale));
    }

    [Fact]
    public async Task Temp_file_of_a_live_writer_survives_another_store_opening_the_folder()
    {
        await using EmbeddedStorage server = OpenFilesOnly();
        string id = Unique.MessageId();
        await using IBlobWriter writer = server.Blobs.CreateWriter(id);
        await writer.WriteAsync(new byte[] { 42 }, _ct);

        await using (EmbeddedStorage adminCommand = OpenFilesOnly())
        {
            Assert.Single(System.IO.Directory.EnumerateFiles(Temp));
        }

        BlobRef blob = await writer.CommitAsync(_ct);
        Assert.Equal(1, blob.Size);
        Assert.True(await server.Blobs.ExistsAsync(id, _ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("UPPER")]
    [InlineData("spa ce")]
    public async Task Blob_ids_that_are_not_safe_file_names_are_rejected(string id)
    {
        await using EmbeddedStorage store = OpenFilesOnly();

        Assert.ThrowsAny<ArgumentException>(() => store.Blobs.CreateWriter(id));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.Blobs.OpenReadAsync(id, _ct));
    }

    [Fact]
    public async Task Writer_cannot_be_used_after_commit()
    {
        await using EmbeddedStorage store = OpenFilesOnly();
        await using IBlobWriter writer = store.Blobs.CreateWriter(Unique.MessageId());
        await writer.WriteAsync(new byte[] { 1 }, _ct);
        BlobRef first = await writer.CommitAsync(_ct);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteAsync(new byte[] { 2 }, _ct));
        Assert.Equal(first, await writer.CommitAsync(_ct));
    }

    [Fact]
    public async Task Concurrent_commits_of_one_id_with_identical_bytes_all_succeed()
    {
        await using EmbeddedStorage store = OpenFilesOnly();
        string id = Unique.MessageId();
        byte[] bytes = TestData.RandomBytes(50_000);

        BlobRef[] refs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PutAsync(store, id, bytes))));

        Assert.All(refs, r => Assert.Equal(refs[0], r));
        Assert.Empty(System.IO.Directory.EnumerateFiles(Temp));
    }

    private EmbeddedStorage OpenFilesOnly() => EmbeddedStorage.Open(_folder.Path, new EmbeddedStorageOptions { SmallBlobThreshold = 0 });

    private async Task<BlobRef> PutAsync(EmbeddedStorage store, string id, byte[] bytes)
    {
        await using IBlobWriter writer = store.Blobs.CreateWriter(id);
        await writer.WriteAsync(bytes, _ct);
        return await writer.CommitAsync(_ct);
    }

    public void Dispose() => _folder.Dispose();
}
