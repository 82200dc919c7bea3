using CloudMail.Core.Blobs;
using CloudMail.Core.Intake;
using CloudMail.Core.Messages;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Storage.Embedded;

namespace CloudMail.Listener.Tests.Pipeline;

/// <summary>
/// A server started on a data folder where a crashed run left a staging blob (port-25 mail received, never checked, never
/// answered 250) removes it before its first reclaim pass, and leaves accepted messages alone.
/// </summary>
public sealed class StagingSweepAtStartTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cloudmail-staging-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_staging_blob_left_by_an_earlier_run_is_gone_after_start_and_an_accepted_message_stays()
    {
        string staging = MessageIds.New() + MessageIntake.StagingSuffix;
        string accepted = MessageIds.New();
        await using (EmbeddedStorage earlier = EmbeddedStorage.Open(_folder))
        {
            await PutAsync(earlier, staging, 300 * 1024); // over the small-blob threshold: a file, as real staging blobs are
            await PutAsync(earlier, accepted, 4096);
        }

        await using TestServer server = await TestServer.StartAsync(dataDirectory: _folder);
        await ReclaimWatch.UntilReclaimedAsync(server, staging);

        Assert.True(await server.Get<IMessageBlobStore>().ExistsAsync(accepted, CancellationToken.None));
    }

    private static async Task PutAsync(EmbeddedStorage store, string id, int size)
    {
        await using IBlobWriter writer = store.Blobs.CreateWriter(id);
        await writer.WriteAsync(new byte[size], CancellationToken.None);
        await writer.CommitAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
