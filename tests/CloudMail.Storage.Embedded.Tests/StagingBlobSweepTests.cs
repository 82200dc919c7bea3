using CloudMail.ContractTests;
using CloudMail.Core.Blobs;
using CloudMail.Core.Intake;
using CloudMail.Core.Messages;
using CloudMail.Storage.Embedded.Blobs;
using CloudMail.Storage.Embedded.Tests.Support;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// The start-up sweep of staging blobs a crash left: staging rows and files whose ids were made before the cutoff are
/// removed; a staging blob made after it (a live session of the new run) and every ordinary message stay.
/// </summary>
public sealed class StagingBlobSweepTests : IDisposable
{
    private const int Threshold = 1024;

    private readonly TempFolder _folder = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    [Fact]
    public async Task Staging_rows_and_files_made_before_the_cutoff_are_removed_and_everything_else_stays()
    {
        await using EmbeddedStorage store = EmbeddedStorage.Open(_folder.Path, new EmbeddedStorageOptions { SmallBlobThreshold = Threshold });
        DateTimeOffset cutoff = DateTimeOffset.UtcNow;
        string oldRow = MessageIds.TimePrefix(cutoff.AddMinutes(-5)) + "0000000000000001" + MessageIntake.StagingSuffix;
        string oldFile = MessageIds.TimePrefix(cutoff.AddHours(-2)) + "0000000000000002" + MessageIntake.StagingSuffix;
        string liveFile = MessageIds.TimePrefix(cutoff.AddSeconds(1)) + "0000000000000003" + MessageIntake.StagingSuffix;
        string oldMessage = MessageIds.TimePrefix(cutoff.AddHours(-2)) + "0000000000000004";
        await PutAsync(store, oldRow, Threshold / 2);
        await PutAsync(store, oldFile, Threshold * 2);
        await PutAsync(store, liveFile, Threshold * 2);
        await PutAsync(store, oldMessage, Threshold * 2);
        var paths = new BlobPaths(Path.Combine(_folder.Path, EmbeddedStorage.MessagesFolder));
        Assert.False(File.Exists(paths.FinalPath(oldRow))); // a row of queue.db
        Assert.True(File.Exists(paths.FinalPath(oldFile)));

        int removed = await store.SweepStagingAsync(cutoff, _ct);

        Assert.Equal(2, removed);
        Assert.False(await store.Blobs.ExistsAsync(oldRow, _ct));
        Assert.False(await store.Blobs.ExistsAsync(oldFile, _ct));
        Assert.True(await store.Blobs.ExistsAsync(liveFile, _ct));
        Assert.True(await store.Blobs.ExistsAsync(oldMessage, _ct));
        Assert.Equal(0, await store.SweepStagingAsync(cutoff, _ct));
    }

    private async Task PutAsync(EmbeddedStorage store, string id, int size)
    {
        await using IBlobWriter writer = store.Blobs.CreateWriter(id);
        await writer.WriteAsync(TestData.RandomBytes(size), _ct);
        await writer.CommitAsync(_ct);
    }

    public void Dispose() => _folder.Dispose();
}
